/**
 * Everything `convspec compare` reports about one model, as plain JSON:
 * parameter counts, FLOPs (formula and values at each L), activation memory.
 * FLOPs and memory are for one forward at batch B; memory is the backbone's
 * (hidden states out, heads excluded: the vocab-wide MLM logits would swamp
 * the comparison) after all passes, freeing each value at its last use.
 */
import { lowerToIR } from "../ir/lower.js";
import type { Graph, Part } from "../ir/types.js";
import { optimize } from "../passes/index.js";
import { arenaBytesAt, compileWgsl } from "../backends/wgsl/index.js";
import type { ModelSpec } from "../spec/model-spec.js";
import { flopsFormula, PARTS } from "./flops.js";
import { activationMemory } from "./memory.js";
import { countParams, type ParamCounts } from "./params.js";
import { add, evaluate, toTerms, type Term } from "../ir/polynomial.js";

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

export interface ModelSummary {
  spec: string;
  name: string;
  layers: number;
  params: Omit<ParamCounts, "byPart">;
  flops: {
    batch: number;
    formula: { total: Term[]; backbone: Term[]; byPart: Record<Part, Term[]> };
    bySeqLen: Record<string, FlopsAtSeqLen>;
  };
  memory: { batch: number; outputs: string[]; bySeqLen: Record<string, MemoryAtSeqLen> };
}

export function summarizeModel(specPath: string, spec: ModelSpec, options: { batch: number; seqLens: readonly number[] }): ModelSummary {
  const graph = lowerToIR(spec);
  const { byPart: _, ...params } = countParams(graph);
  const formula = flopsFormula(graph);
  const backbone = add(...BACKBONE_PARTS.map((part) => formula.byPart[part]));
  const backboneOutputs = backboneOutputNames(graph);
  const optimised = optimize(graph, { passes: "all", requestedOutputs: backboneOutputs });
  const plan = compileWgsl(optimised, { outputs: backboneOutputs });
  const flopsBySeqLen: Record<string, FlopsAtSeqLen> = {};
  const memoryBySeqLen: Record<string, MemoryAtSeqLen> = {};
  for (const seqLen of options.seqLens) {
    const at = { batch: options.batch, seqLen };
    flopsBySeqLen[seqLen] = {
      total: evaluate(formula.total, at),
      backbone: evaluate(backbone, at),
      byPart: mapParts((part) => evaluate(formula.byPart[part], at)),
    };
    const { intermediatesBytes, peakBytes, peakWithScratchBytes } = activationMemory(optimised, backboneOutputs, at);
    memoryBySeqLen[seqLen] = { intermediatesBytes, peakBytes, peakWithScratchBytes, arenaBytes: arenaBytesAt(plan, options.batch, seqLen) };
  }
  return {
    spec: specPath,
    name: spec.name,
    layers: spec.layers.length,
    params,
    flops: {
      batch: options.batch,
      formula: { total: toTerms(formula.total), backbone: toTerms(backbone), byPart: mapParts((part) => toTerms(formula.byPart[part])) },
      bySeqLen: flopsBySeqLen,
    },
    memory: { batch: options.batch, outputs: backboneOutputs, bySeqLen: memoryBySeqLen },
  };
}

/** The backbone's outputs: the last hidden state, and the pooler's when the spec has one. */
function backboneOutputNames(graph: Graph): string[] {
  return ["last_hidden_state", ...(graph.outputs.pooler_output ? ["pooler_output"] : [])];
}

function mapParts<T>(f: (part: Part) => T): Record<Part, T> {
  return Object.fromEntries(PARTS.map((part) => [part, f(part)])) as Record<Part, T>;
}
