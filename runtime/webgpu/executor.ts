/**
 * The WebGPU target behind the `Executor` contract: one plan per requested
 * output set (compiled on first use, cached), all sharing the weights
 * uploaded once and the pipelines compiled once.
 */
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { UserError } from "../../compiler/errors.js";
import type { Graph } from "../../compiler/ir/types.js";
import { optimize, type OptimizeOptions } from "../../compiler/passes/index.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { checkModelInputs, limitsOf } from "../inputs.js";
import { createDevice } from "./device.js";
import { createGpuContext, createPlanRunner, disposeGpuContext, PlanError, type PlanRunner } from "./plan-runner.js";

export interface WebGpuExecutorOptions {
  /** Use this device instead of creating one (the caller then owns it). */
  device?: GPUDevice;
  /** IR passes run before compiling (default "all": projection fusion, activation folding, add+LayerNorm). */
  passes?: OptimizeOptions["passes"];
}

export interface WebGpuExecutor extends Executor {
  /** GPU buffers this executor created and destroyed so far (they balance after dispose). */
  readonly bufferStats: { created: number; destroyed: number };
}

export async function createWebGpuExecutor(graph: Graph, weights: WeightMap, opts: WebGpuExecutorOptions = {}): Promise<WebGpuExecutor> {
  const device = opts.device ?? (await createDevice());
  const ctx = createGpuContext(device, weights);
  const runners = new Map<string, Promise<PlanRunner>>();
  const ready = new Set<PlanRunner>();
  let disposed = false;

  const runnerFor = (outputs: readonly string[]): Promise<PlanRunner> => {
    const key = [...outputs].sort().join(",");
    let runner = runners.get(key);
    if (!runner) {
      runner = Promise.resolve()
        .then(() => createPlanRunner(ctx, compileWgsl(optimize(graph, { passes: opts.passes ?? "all", requestedOutputs: outputs }), { outputs })))
        .then((r) => {
          if (disposed) r.dispose();
          else ready.add(r);
          return r;
        })
        .catch((e) => {
          runners.delete(key);
          throw asUserError(e);
        });
      runners.set(key, runner);
    }
    return runner;
  };

  return {
    bufferStats: ctx.stats,
    async run(inputs: ModelInputs, outputs: readonly string[]): Promise<Record<string, HostTensor>> {
      if (disposed) throw new Error("executor used after dispose()");
      const unknown = outputs.filter((o) => !(o in graph.outputs));
      if (unknown.length > 0) throw new UserError(`unknown output(s) ${unknown.join(", ")}; this model has ${Object.keys(graph.outputs).join(", ")}`);
      checkModelInputs(inputs, limitsOf(graph));
      const runner = await runnerFor(outputs);
      try {
        return await runner.run(inputs, outputs);
      } catch (e) {
        throw asUserError(e);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      // Runners still compiling dispose themselves when they settle (see runnerFor).
      for (const r of ready) r.dispose();
      ready.clear();
      runners.clear();
      disposeGpuContext(ctx);
      if (!opts.device) device.destroy();
    },
  };
}

function asUserError(e: unknown): unknown {
  return e instanceof PlanError ? new UserError(e.message, { cause: e }) : e;
}
