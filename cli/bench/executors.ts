/**
 * The one place `convspec bench` (and the report) creates executors, through
 * the target registry: the passes once (compileFor), then the target's
 * artifact and executor. Runtimes load lazily: tfjs and Dawn only when a
 * benchmark runs on them.
 */
import { checkBackend, TARGET_NAMES, targetNamed, type TargetName } from "../../compiler/backends/index.js";
import type { Graph } from "../../compiler/ir/types.js";
import { compileFor } from "../../compiler/pipeline.js";
import type { ModelInputs, WeightMap } from "../../runtime/executor.js";
import { createExecutor } from "../../runtime/targets.js";
import { deviceForTarget } from "../wgsl-device.js";

export const BENCH_TARGETS = TARGET_NAMES;
export type BenchTarget = TargetName;

export interface BenchExecutor {
  /** What runs it, e.g. "tfjs wasm" or "wgsl (Dawn)". */
  readonly label: string;
  /** The backend actually used, when the target has backends. */
  readonly backend?: string;
  /** One forward pass to the outputs, read back to the host. */
  run(inputs: ModelInputs): Promise<void>;
  dispose(): void;
}

export interface ExecutorOptions {
  target: string;
  /** The target's backend (tfjs: cpu, wasm, tensorflow); the first that loads when absent. */
  backend?: string;
  outputs: readonly string[];
  /** The shape to tune for (WGSL tile choices). */
  shape?: { B: number; L: number };
}

export async function createBenchExecutor(graph: Graph, weights: WeightMap, options: ExecutorOptions): Promise<BenchExecutor> {
  const target = targetNamed(options.target);
  checkBackend(target, options.backend);
  const { device, options: forDevice } = await deviceForTarget(target);
  const { artifact } = compileFor(target, graph, {
    outputs: options.outputs,
    options: { backend: options.backend, shape: options.shape, ...forDevice },
  });
  const executor = await createExecutor(target, artifact, weights, { device });
  const backend = "backend" in executor ? String(executor.backend) : undefined;
  return {
    label: backend ? `${target} ${backend}` : target === "wgsl" ? "wgsl (WebGPU)" : target,
    backend,
    run: async (inputs) => void (await executor.run(inputs)),
    dispose: () => {
      executor.dispose();
      device?.destroy();
    },
  };
}
