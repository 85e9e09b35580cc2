/**
 * Everything the device bench asks of convspec, in one place: load a model,
 * compile it for WGSL, run it on a device. The rest of bench/device imports
 * convspec only through this file, so a change to the compile/run contract
 * is one edit here.
 *
 * Never import compiler/backends/index.ts (the registry) or
 * compiler/backends/wgsl/emit.ts from here: the WGSL target's `write` reaches
 * emit.ts, which imports esbuild, and esbuild cannot be bundled into the
 * device bundle.
 */
import { forwardFlops } from "../../compiler/analysis/flops.js";
import { compileWgsl, DEFAULT_FLAGS, LEGACY_FLAGS, type WgslFlags } from "../../compiler/backends/wgsl/index.js";
import type { WgslProgramPlan } from "../../compiler/backends/wgsl/plan.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { loadSpec } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import { importHfConfig } from "../../compiler/spec/hf-config.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";
import type { HostTensor, ModelInputs, WeightMap } from "../../runtime/executor.js";
import { checkModelInputs, limitsOf, readInputsJson } from "../../runtime/inputs.js";
import { wgslOptionsFor } from "../../runtime/webgpu/device.js";
import { createGpuContext, createPlanRunner, disposeGpuContext, type PlanProfile, type ProfileLevel } from "../../runtime/webgpu/plan-runner.js";
import { randomWeights, readSafetensors, specWithCheckpointHeads, weightsFromSafetensors } from "../../runtime/weights/index.js";

export { UserError } from "../../compiler/errors.js";
export { createDevice, describeDevice, requestAdapter, describeAdapter, WEBGPU_BACKENDS, type WebGpuBackend } from "../../runtime/webgpu/device.js";
export type { Graph, HostTensor, ModelInputs, ModelSpec, PlanProfile, ProfileLevel, WeightMap, WgslProgramPlan };

export interface LoadedModel {
  spec: ModelSpec;
  graph: Graph;
}

/** A spec (.convspec, JSON spec or HF config.json) lowered to its backbone: no task heads, output last_hidden_state. */
export async function loadModel(specPath: string): Promise<LoadedModel> {
  const spec = await loadSpec(specPath);
  const backbone: ModelSpec = { ...spec, heads: { mlm: null, classifier: null, pooler: false } };
  return { spec: backbone, graph: lowerToIR(backbone) };
}

/** The backbone's weights from a safetensors file with Hugging Face names. */
export function loadModelWeights(graph: Graph, safetensorsPath: string): WeightMap {
  return weightsFromSafetensors(graph, readSafetensors(safetensorsPath));
}

/** Seeded random weights (when no Hugging Face weights are at hand). */
export function randomModelWeights(graph: Graph, seed: number): WeightMap {
  return randomWeights(graph, seed);
}

/** A golden case's model: its HF config, with the task heads its checkpoint has (as `convspec run` builds it). */
export function loadCheckpointModel(config: Record<string, unknown>, name: string, checkpointPath: string): { graph: Graph; weights: WeightMap } {
  const checkpoint = readSafetensors(checkpointPath);
  const graph = lowerToIR(specWithCheckpointHeads(importHfConfig(config, name).spec, checkpoint));
  return { graph, weights: weightsFromSafetensors(graph, checkpoint) };
}

/** Every float tensor of a safetensors file, by name (golden expected outputs). */
export function readTensors(path: string): Map<string, HostTensor> {
  return readSafetensors(path).tensors;
}

/** An inputs.json (`{"input_ids": [[...]], "attention_mask": ..., "token_type_ids": ...}`), checked against the model. */
export function readInputs(path: string, graph: Graph): ModelInputs {
  return readInputsJson(path, graph);
}

/**
 * The WGSL kernels a device bench row measures: "new" (all passes, the
 * default flags) or "legacy" (the passes and kernels before the GPU-class
 * work: issue 9), tuned for (B, L) and the device's features.
 */
export type KernelSet = "new" | "legacy";
export const LEGACY_PASSES = ["dce", "fuse-projections", "fold-activation", "fuse-gate", "fuse-add-layernorm"];

export function compileForWgsl(graph: Graph, outputs: readonly string[], options: { kernels?: KernelSet; device?: GPUDevice; shape?: { B: number; L: number } } = {}): WgslProgramPlan {
  const legacy = options.kernels === "legacy";
  // The device's kind tunes the current kernels (a software rasteriser wants fewer, bigger tiles); legacy rows stay as they were.
  const tuned = options.device ? wgslOptionsFor(options.device) : { features: [], flags: {} };
  const flags: WgslFlags = legacy ? LEGACY_FLAGS : { ...DEFAULT_FLAGS, ...tuned.flags };
  const optimised = optimize(graph, { passes: legacy ? LEGACY_PASSES : "all", requestedOutputs: outputs });
  return compileWgsl(optimised, { outputs, flags, features: tuned.features, reference: options.shape });
}

export function flopsPerForward(graph: Graph, batch: number, seqLen: number): number {
  return forwardFlops(graph, { batch, seqLen }).total;
}

export interface WgslRunner {
  run(inputs: ModelInputs, outputs: readonly string[]): Promise<Record<string, HostTensor>>;
  /** `run` timed on the GPU (timestamp queries): needs a device with "timestamp-query". */
  profile(inputs: ModelInputs, outputs: readonly string[], level: ProfileLevel): Promise<{ outputs: Record<string, HostTensor>; profile: PlanProfile }>;
  readonly dispatches: number;
  dispose(): void;
}

export async function createWgslRunner(graph: Graph, plan: WgslProgramPlan, weights: WeightMap, device: GPUDevice): Promise<WgslRunner> {
  const ctx = createGpuContext(device, weights);
  const runner = await createPlanRunner(ctx, plan);
  const limits = limitsOf(graph);
  return {
    dispatches: plan.dispatches.length,
    run(inputs, outputs) {
      checkModelInputs(inputs, limits);
      return runner.run(inputs, outputs);
    },
    profile(inputs, outputs, level) {
      checkModelInputs(inputs, limits);
      return runner.profile(inputs, outputs, level);
    },
    dispose() {
      runner.dispose();
      disposeGpuContext(ctx);
    },
  };
}
