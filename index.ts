/**
 * convspec as a library:
 *
 *   import { loadSpec, compile, run } from "convspec";
 *   const spec = await loadSpec("specs/conv-bert-small.convspec");
 *   const { artifact } = compile(spec, "wgsl");            // the plan, kernels included
 *   const out = await run(spec, inputs, { weights: "model.safetensors" });
 *
 * The stages are the folders (compiler/: spec -> IR -> passes -> target
 * artifacts; runtime/: weights and executors); this file joins them for
 * callers who want the whole path, and exports the stages for those who
 * want one.
 */
import type { TargetName } from "./compiler/backends/index.js";
import { lowerToIR } from "./compiler/ir/lower.js";
import { contractOutputs } from "./compiler/ir/outputs.js";
import type { Graph } from "./compiler/ir/types.js";
import { compileFor, type CompileRequest, type Compiled } from "./compiler/pipeline.js";
import type { ModelSpec } from "./compiler/spec/model-spec.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "./runtime/executor.js";
import { createExecutor, type ExecutorOptions } from "./runtime/targets.js";
import { wgslOptionsFor } from "./runtime/webgpu/device.js";
import { loadWeights, randomWeights } from "./runtime/weights/index.js";

export { loadSpec, loadSpecFromText } from "./compiler/load.js";
export { UserError, isUserError } from "./compiler/errors.js";
export { lowerToIR } from "./compiler/ir/lower.js";
export { contractOutputs } from "./compiler/ir/outputs.js";
export { printIR } from "./compiler/ir/print.js";
export { optimize, ALL_PASSES } from "./compiler/passes/index.js";
export { compileFor, type CompileRequest, type Compiled } from "./compiler/pipeline.js";
export { COMPILER_TARGETS, TARGET_NAMES, type TargetName, type Artifacts, type TargetOptions } from "./compiler/backends/index.js";
export { countParams } from "./compiler/analysis/params.js";
export { forwardFlops } from "./compiler/analysis/flops.js";
export { createExecutor, type ExecutorOptions } from "./runtime/targets.js";
export { loadWeights, randomWeights, readSafetensors, writeSafetensors } from "./runtime/weights/index.js";
/** tfjs's WebGPU backend on a GPUDevice the caller holds: then compile the tfjs target with `backend: "webgpu"`. */
export { createTfjsWebGpuBackend } from "./runtime/tfjs/webgpu.js";
export type { Executor, HostTensor, ModelInputs, WeightMap } from "./runtime/executor.js";
export type { Graph } from "./compiler/ir/types.js";
export type { ModelSpec } from "./compiler/spec/model-spec.js";

/** A spec object (from `loadSpec`) or its IR graph (from `lowerToIR`). */
export type ModelSource = ModelSpec | Graph;

function graphOf(model: ModelSource): Graph {
  return "ops" in model ? model : lowerToIR(model);
}

/** Spec or graph -> the passes -> one target's artifact. `outputs` defaults to every output of the run contract. */
export function compile<N extends TargetName>(model: ModelSource, target: N, request: Partial<CompileRequest> = {}): Compiled<N> {
  const graph = graphOf(model);
  return compileFor(target, graph, { ...request, outputs: request.outputs ?? contractOutputs(graph) });
}

/** Compile (the passes, then the target) and create the executor: the whole path from a graph to something that runs. */
export async function prepare<N extends TargetName>(target: N, graph: Graph, weights: WeightMap, request: CompileRequest & ExecutorOptions): Promise<Executor> {
  // A device given: the kernels may use its features and are tuned for its kind.
  const forDevice = request.device ? wgslOptionsFor(request.device) : { features: undefined, flags: {} };
  const options = { ...request.options, features: request.options?.features ?? forDevice.features, flags: { ...forDevice.flags, ...request.options?.flags } };
  const { artifact } = compileFor(target, graph, { ...request, options });
  return createExecutor(target, artifact, weights, { device: request.device });
}

export interface RunOptions extends Partial<CompileRequest>, ExecutorOptions {
  /** Default "tfjs" (its backend: `options.backend`, default auto). */
  target?: TargetName;
  /** A safetensors checkpoint (path, HF names) or loaded weights; default seeded random weights. */
  weights?: string | WeightMap;
  /** The seed for random weights (default 0). */
  seed?: number;
}

/** One forward pass of `model` on `inputs`: compile, load the weights, run, release the executor. */
export async function run(model: ModelSource, inputs: ModelInputs, options: RunOptions = {}): Promise<Record<string, HostTensor>> {
  const graph = graphOf(model);
  const weights =
    options.weights === undefined ? randomWeights(graph, options.seed ?? 0) : typeof options.weights === "string" ? loadWeights(graph, options.weights) : options.weights;
  const outputs = options.outputs ?? contractOutputs(graph);
  const executor = await prepare(options.target ?? "tfjs", graph, weights, { ...options, outputs });
  try {
    return await executor.run(inputs, outputs);
  } finally {
    executor.dispose();
  }
}
