/**
 * The runtime half of the target registry: for every target, how to load
 * its executor (lazily: a tfjs run never loads Dawn, a WGSL run never loads
 * tfjs). Executors take a compiled artifact and never run passes.
 */
import type { Artifacts, TargetName } from "../compiler/backends/index.js";
import type { CommandInputs } from "../compiler/io/input-files.js";
import type { Executor, WeightMap } from "./executor.js";

export interface ExecutorOptions {
  /** WGSL: run on this device (the caller owns it) instead of creating one. */
  device?: GPUDevice;
  /** ONNX: ONNX Runtime's intra-op threads (default: one per physical core). */
  threads?: number;
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
  onnx: async () => {
    const { createOnnxExecutor } = await import("./onnx/executor.js");
    return (artifact, weights, options) => createOnnxExecutor(artifact, weights, { threads: options.threads });
  },
};

/** Writes an artifact whose on-disk form holds the weights (`compile -o`); returns what to tell the user. */
export type WeightedWriter<N extends TargetName> = (artifact: Artifacts[N], out: string, weights: WeightMap, io: { inputs?: CommandInputs }) => Promise<string>;

const WEIGHTED_WRITERS: { [N in TargetName]?: () => Promise<WeightedWriter<N>> } = {
  onnx: async () => {
    const { writeOnnx, validateOnnxFile } = await import("./onnx/index.js");
    return async (artifact, out, weights, io) => {
      const written = await writeOnnx(artifact, out, weights, { label: `-o ${out}`, inputs: io.inputs });
      // The check on export: ONNX Runtime loads the file (there is no JavaScript onnx.checker).
      await validateOnnxFile(written.modelPath);
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
      return `wrote ${written.modelPath}${written.dataPath ? ` and ${written.dataPath}` : ""} (${mib(written.bytes)}; loads in ONNX Runtime)`;
    };
  },
};

/** The writer of a target whose file embeds the weights, if it has one. */
export async function weightedWriter<N extends TargetName>(target: N): Promise<WeightedWriter<N> | null> {
  const load = WEIGHTED_WRITERS[target] as (() => Promise<WeightedWriter<N>>) | undefined;
  return load ? load() : null;
}

export async function createExecutor<N extends TargetName>(target: N, artifact: Artifacts[N], weights: WeightMap, options: ExecutorOptions = {}): Promise<Executor> {
  const factory = (await EXECUTORS[target]()) as ExecutorFactory<N>;
  return factory(artifact, weights, options);
}
