/**
 * Everything `convspec compare` reports about one model, as plain JSON:
 * parameter counts, FLOPs (formula and values at each L), activation memory.
 * FLOPs and memory are for one forward at batch B; memory is the backbone's
 * (hidden states out, heads excluded: the vocab-wide MLM logits would swamp
 * the comparison) after all passes, freeing each value at its last use.
 * Optionally, per batch size, per layer, and the roofline latency predicted
 * on named devices from the backbone's WGSL plan (roofline.ts).
 * Sequence lengths beyond the model's max positions are skipped and listed.
 */
import { lowerToIR } from "../ir/lower.js";
import type { Graph, Part } from "../ir/types.js";
import { optimize } from "../passes/index.js";
import { arenaBytesAt, compileWgsl } from "../backends/wgsl/index.js";
import type { ModelSpec } from "../spec/model-spec.js";
import type { Device, KernelClass, Precision } from "./devices.js";
import { flopsFormula, PARTS, type FlopsFormula } from "./flops.js";
import { kernelsFromPlan } from "./kernels.js";
import { activationMemory } from "./memory.js";
import { countParams, type ParamCounts } from "./params.js";
import { add, evaluate, toTerms, type Polynomial, type Term } from "../ir/polynomial.js";
import { predictLatency } from "./roofline.js";

export const BACKBONE_PARTS: readonly Part[] = ["embeddings", "self_attention", "span_conv", "attention_output", "ffn", "pooler"];

export interface FlopsAtSeqLen {
  total: number;
  backbone: number;
  byPart: Record<Part, number>;
}

export interface MemoryAtSeqLen {
  /** Sum of every intermediate of the backbone forward. */
  intermediatesBytes: number;
  /** Peak live bytes, each value freed at its last use. */
  peakBytes: number;
  /** Peak with attention scores and dynamic-conv taps held during their op. */
  peakWithScratchBytes: number;
  /** What the WGSL target allocates for intermediates: the memory planner's slots at this (B, L). */
  arenaBytes: number;
}

/** One encoder layer: its head split, parameters and FLOPs (at the first batch size). */
export interface LayerSummary {
  layer: number;
  attentionHeads: number;
  convHeads: number;
  headSize: number;
  kernelSize: number;
  intermediateSize: number;
  ffnGroups: number;
  params: ParamCounts["perLayer"][number];
  flopsBySeqLen: Record<string, { total: number; byPart: Partial<Record<Part, number>> }>;
}

/** The roofline prediction at one (B, L), without the per-kernel list. */
export interface PredictedLatency {
  seconds: number;
  dispatches: number;
  overheadSeconds: number;
  byClass: Record<KernelClass, number>;
  byPart: Partial<Record<Part, number>>;
}

export interface DevicePrediction {
  device: string;
  deviceName: string;
  precision: Precision;
  /** What the kernels are: the dispatches of the backbone's WGSL plan. */
  kernels: "wgsl-plan";
  /** Batch -> sequence length -> prediction. */
  byBatch: Record<string, Record<string, PredictedLatency>>;
}

export interface ModelSummary {
  spec: string;
  name: string;
  layers: number;
  maxPositions: number;
  /** Requested sequence lengths beyond `maxPositions`: not computed. */
  skippedSeqLens: number[];
  params: Omit<ParamCounts, "byPart">;
  flops: {
    batch: number;
    formula: { total: Term[]; backbone: Term[]; byPart: Record<Part, Term[]> };
    bySeqLen: Record<string, FlopsAtSeqLen>;
    /** Every requested batch size -> sequence length -> FLOPs (`bySeqLen` is the first batch's). */
    byBatch: Record<string, Record<string, FlopsAtSeqLen>>;
  };
  memory: { batch: number; outputs: string[]; bySeqLen: Record<string, MemoryAtSeqLen>; byBatch: Record<string, Record<string, MemoryAtSeqLen>> };
  perLayer: LayerSummary[];
  predicted: DevicePrediction[];
}

export interface SummaryOptions {
  /** The batch size of `bySeqLen` (and the first of `batches`). */
  batch: number;
  seqLens: readonly number[];
  /** More batch sizes for `byBatch` and the predictions (default: [batch]). */
  batches?: readonly number[];
  /** Devices to predict the backbone's latency on. */
  devices?: readonly Device[];
  /** Batch sizes of the predictions (default: the batches above). */
  predictBatches?: readonly number[];
  precision?: Precision;
}

export function summarizeModel(specPath: string, spec: ModelSpec, options: SummaryOptions): ModelSummary {
  const graph = lowerToIR(spec);
  const { byPart: _, ...params } = countParams(graph);
  const formula = flopsFormula(graph);
  const backbone = add(...BACKBONE_PARTS.map((part) => formula.byPart[part]));
  const backboneOutputs = backboneOutputNames(graph);
  const optimised = optimize(graph, { passes: "all", requestedOutputs: backboneOutputs });
  const plan = compileWgsl(optimised, { outputs: backboneOutputs });
  const batches = [options.batch, ...(options.batches ?? []).filter((b) => b !== options.batch)];
  const seqLens = options.seqLens.filter((L) => L <= spec.maxPositions);
  const flopsByBatch: Record<string, Record<string, FlopsAtSeqLen>> = {};
  const memoryByBatch: Record<string, Record<string, MemoryAtSeqLen>> = {};
  for (const batch of batches) {
    const flopsBySeqLen: Record<string, FlopsAtSeqLen> = (flopsByBatch[batch] = {});
    const memoryBySeqLen: Record<string, MemoryAtSeqLen> = (memoryByBatch[batch] = {});
    for (const seqLen of seqLens) {
      const at = { batch, seqLen };
      flopsBySeqLen[seqLen] = {
        total: evaluate(formula.total, at),
        backbone: evaluate(backbone, at),
        byPart: mapParts((part) => evaluate(formula.byPart[part], at)),
      };
      const { intermediatesBytes, peakBytes, peakWithScratchBytes } = activationMemory(optimised, backboneOutputs, at);
      memoryBySeqLen[seqLen] = { intermediatesBytes, peakBytes, peakWithScratchBytes, arenaBytes: arenaBytesAt(plan, batch, seqLen) };
    }
  }
  return {
    spec: specPath,
    name: spec.name,
    layers: spec.layers.length,
    maxPositions: spec.maxPositions,
    skippedSeqLens: options.seqLens.filter((L) => L > spec.maxPositions),
    params,
    flops: {
      batch: options.batch,
      formula: { total: toTerms(formula.total), backbone: toTerms(backbone), byPart: mapParts((part) => toTerms(formula.byPart[part])) },
      bySeqLen: flopsByBatch[options.batch],
      byBatch: flopsByBatch,
    },
    memory: { batch: options.batch, outputs: backboneOutputs, bySeqLen: memoryByBatch[options.batch], byBatch: memoryByBatch },
    perLayer: summarizeLayers(spec, params.perLayer, formula, { batch: options.batch, seqLens }),
    predicted: predictOn(options.devices ?? [], optimised, backboneOutputs, options.predictBatches ?? batches, seqLens, options.precision ?? "fp32"),
  };
}

function summarizeLayers(spec: ModelSpec, params: ParamCounts["perLayer"], formula: FlopsFormula, at: { batch: number; seqLens: readonly number[] }): LayerSummary[] {
  return spec.layers.map((block, layer) => {
    const perPart = new Map<Part, Polynomial[]>();
    for (const entry of formula.perOp) {
      if (entry.layer !== layer) continue;
      perPart.set(entry.part, [...(perPart.get(entry.part) ?? []), entry.flops]);
    }
    const flopsBySeqLen: LayerSummary["flopsBySeqLen"] = {};
    for (const seqLen of at.seqLens) {
      const byPart: Partial<Record<Part, number>> = {};
      for (const [part, terms] of perPart) byPart[part] = evaluate(add(...terms), { batch: at.batch, seqLen });
      flopsBySeqLen[seqLen] = { total: Object.values(byPart).reduce((a, b) => a + b, 0), byPart };
    }
    return {
      layer,
      attentionHeads: block.attentionHeads,
      convHeads: block.convHeads,
      headSize: block.headSize,
      kernelSize: block.convKernelSize,
      intermediateSize: block.intermediateSize,
      ffnGroups: block.ffnGroups,
      params: params[layer],
      flopsBySeqLen,
    };
  });
}

/** Roofline latency of the backbone's WGSL plan on each device at every (B, L). */
function predictOn(devices: readonly Device[], graph: Graph, outputs: string[], batches: readonly number[], seqLens: readonly number[], precision: Precision): DevicePrediction[] {
  if (devices.length === 0) return [];
  const plan = compileWgsl(graph, { outputs });
  const bytesPerElement = precision === "fp32" ? 4 : 2;
  return devices.map((device) => {
    const byBatch: DevicePrediction["byBatch"] = {};
    for (const batch of batches) {
      byBatch[batch] = {};
      for (const seqLen of seqLens) {
        const { seconds, dispatches, overheadSeconds, byClass, byPart } = predictLatency(kernelsFromPlan(graph, plan, { batch, seqLen, bytesPerElement }), device, precision);
        byBatch[batch][seqLen] = { seconds, dispatches, overheadSeconds, byClass, byPart };
      }
    }
    return { device: device.id, deviceName: device.name, precision, kernels: "wgsl-plan", byBatch };
  });
}

/** The backbone's outputs: the last hidden state, and the pooler's when the spec has one. */
function backboneOutputNames(graph: Graph): string[] {
  return ["last_hidden_state", ...(graph.outputs.pooler_output ? ["pooler_output"] : [])];
}

function mapParts<T>(f: (part: Part) => T): Record<Part, T> {
  return Object.fromEntries(PARTS.map((part) => [part, f(part)])) as Record<Part, T>;
}
