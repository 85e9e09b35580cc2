/**
 * convspec as a library: `import { loadSpec, lowerToIR, prepare } from "convspec"`.
 * The stages are the folders (compiler/: spec -> IR -> passes -> target
 * artifacts; runtime/: weights and executors); this file joins them for
 * callers who want the whole path.
 */
import type { TargetName } from "./compiler/backends/index.js";
import type { Graph } from "./compiler/ir/types.js";
import { compileFor, type CompileRequest } from "./compiler/pipeline.js";
import type { Executor, WeightMap } from "./runtime/executor.js";
import { createExecutor, type ExecutorOptions } from "./runtime/targets.js";

export { loadSpec, loadSpecFromText } from "./compiler/load.js";
export { lowerToIR } from "./compiler/ir/lower.js";
export { printIR } from "./compiler/ir/print.js";
export { optimize, ALL_PASSES } from "./compiler/passes/index.js";
export { compileFor, type CompileRequest, type Compiled } from "./compiler/pipeline.js";
export { COMPILER_TARGETS, TARGET_NAMES, type TargetName, type Artifacts } from "./compiler/backends/index.js";
export { createExecutor, type ExecutorOptions } from "./runtime/targets.js";
export { randomWeights } from "./runtime/weights/index.js";
/** tfjs's WebGPU backend on a GPUDevice the caller holds: then compile the tfjs target with `backend: "webgpu"`. */
export { createTfjsWebGpuBackend } from "./runtime/tfjs/webgpu.js";
export type { Executor, HostTensor, ModelInputs, WeightMap } from "./runtime/executor.js";
export type { Graph } from "./compiler/ir/types.js";
export type { ModelSpec } from "./compiler/spec/model-spec.js";

/** Compile (the passes, then the target) and create the executor: the whole path from a graph to something that runs. */
export async function prepare<N extends TargetName>(target: N, graph: Graph, weights: WeightMap, request: CompileRequest & ExecutorOptions): Promise<Executor> {
  // A device given: its features are what the kernels may use.
  const features = request.options?.features ?? (request.device ? [...request.device.features] : undefined);
  const { artifact } = compileFor(target, graph, { ...request, options: { ...request.options, features } });
  return createExecutor(target, artifact, weights, { device: request.device });
}
