/**
 * The runtime half of the target registry: for every target, how to load
 * its executor (lazily: a tfjs run never loads Dawn, a WGSL run never loads
 * tfjs). Executors take a compiled artifact and never run passes.
 */
import type { Artifacts, TargetName } from "../compiler/backends/index.js";
import { compileFor, type CompileRequest } from "../compiler/pipeline.js";
import type { Graph } from "../compiler/ir/types.js";
import type { Executor, WeightMap } from "./executor.js";

export interface ExecutorOptions {
  /** WGSL: run on this device (the caller owns it) instead of creating one. */
  device?: GPUDevice;
}

export type ExecutorFactory<N extends TargetName> = (artifact: Artifacts[N], weights: WeightMap, options: ExecutorOptions) => Promise<Executor>;

const EXECUTORS: { [N in TargetName]: () => Promise<ExecutorFactory<N>> } = {
  tfjs: async () => {
    const { createTfjsExecutor } = await import("./tfjs/executor.js");
    return (plan, weights) => createTfjsExecutor(plan, weights);
  },
  wgsl: async () => {
    const { createWebGpuExecutor } = await import("./webgpu/executor.js");
    return (plan, weights, options) => createWebGpuExecutor(plan, weights, { device: options.device });
  },
};

export async function createExecutor<N extends TargetName>(target: N, artifact: Artifacts[N], weights: WeightMap, options: ExecutorOptions = {}): Promise<Executor> {
  const factory = (await EXECUTORS[target]()) as ExecutorFactory<N>;
  return factory(artifact, weights, options);
}

/** Compile (passes, then the target) and create the executor: the whole path from a graph to something that runs. */
export async function prepare<N extends TargetName>(target: N, graph: Graph, weights: WeightMap, request: CompileRequest & ExecutorOptions): Promise<Executor> {
  const { artifact } = compileFor(target, graph, request);
  return createExecutor(target, artifact, weights, { device: request.device });
}
