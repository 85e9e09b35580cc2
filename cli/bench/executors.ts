/**
 * The one place `convspec bench` (and the report) creates executors. Today
 * it runs the passes and hands the optimised graph to the tfjs or WebGPU
 * executor; when the target registry lands (issue 7: executors take a
 * compiled artifact), only this module changes. Runtimes are imported lazily:
 * tfjs and Dawn load only when a benchmark runs.
 */
import { UserError } from "../../compiler/errors.js";
import type { Graph } from "../../compiler/ir/types.js";
import { optimize } from "../../compiler/passes/index.js";
import type { ModelInputs, WeightMap } from "../../runtime/executor.js";

export const BENCH_TARGETS = ["tfjs", "wgsl"] as const;
export type BenchTarget = (typeof BENCH_TARGETS)[number];

export interface BenchExecutor {
  /** What runs it, e.g. "tfjs wasm" or "wgsl (Dawn)". */
  readonly label: string;
  /** The tfjs backend actually used, when the target is tfjs. */
  readonly backend?: string;
  /** One forward pass to the outputs, read back to the host. */
  run(inputs: ModelInputs): Promise<void>;
  dispose(): void;
}

export interface ExecutorOptions {
  target: BenchTarget;
  /** tfjs backend (cpu, wasm, tensorflow); the first that loads when absent. */
  backend?: string;
  outputs: readonly string[];
}

export async function createBenchExecutor(graph: Graph, weights: WeightMap, options: ExecutorOptions): Promise<BenchExecutor> {
  const optimised = optimize(graph, { passes: "all", requestedOutputs: options.outputs });
  if (options.target === "tfjs") {
    const { createTfjsExecutor, TFJS_BACKENDS } = await import("../../runtime/tfjs/index.js");
    if (options.backend !== undefined && !(TFJS_BACKENDS as readonly string[]).includes(options.backend)) {
      throw new UserError(`unknown --backend '${options.backend}' (expected ${TFJS_BACKENDS.join(", ")})`);
    }
    const executor = await createTfjsExecutor(optimised, weights, { backend: options.backend as (typeof TFJS_BACKENDS)[number] | undefined });
    return {
      label: `tfjs ${executor.backend}`,
      backend: executor.backend,
      run: async (inputs) => void (await executor.run(inputs, options.outputs)),
      dispose: () => executor.dispose(),
    };
  }
  if (options.backend !== undefined) throw new UserError(`--backend picks a tfjs backend; it does not apply to --target ${options.target}`);
  const { createWebGpuExecutor } = await import("../../runtime/webgpu/index.js");
  // The graph is already optimised: the executor must not run the passes again.
  const executor = await createWebGpuExecutor(optimised, weights, { passes: "none" });
  return {
    label: "wgsl (WebGPU)",
    run: async (inputs) => void (await executor.run(inputs, options.outputs)),
    dispose: () => executor.dispose(),
  };
}
