/**
 * The runtime half of the target registry: for every target, how to load
 * its executor (lazily: a tfjs run never loads Dawn, a WGSL run never loads
 * tfjs). Executors take a compiled artifact and never run passes.
 */
import type { Artifacts, TargetName } from "../compiler/backends/index.js";
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
