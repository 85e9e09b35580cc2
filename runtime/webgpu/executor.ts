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
      checkInputs(graph, inputs);
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

/** Out-of-range ids would read outside an embedding table on the GPU: refuse them here. */
function checkInputs(graph: Graph, x: ModelInputs): void {
  const n = x.batch * x.seqLen;
  if (x.inputIds.length !== n || x.attentionMask.length !== n || x.tokenTypeIds.length !== n) {
    throw new UserError(`inputs must have batch*seqLen = ${n} elements each`);
  }
  if (x.seqLen > graph.spec.maxPositions) throw new UserError(`sequence length ${x.seqLen} exceeds max_position_embeddings (${graph.spec.maxPositions})`);
  const bad = (ids: Int32Array, limit: number) => ids.findIndex((id) => id < 0 || id >= limit);
  const id = bad(x.inputIds, graph.spec.vocabSize);
  if (id >= 0) throw new UserError(`input_ids[${Math.floor(id / x.seqLen)}][${id % x.seqLen}] = ${x.inputIds[id]} is outside the vocabulary (0..${graph.spec.vocabSize - 1})`);
  const tt = bad(x.tokenTypeIds, graph.spec.typeVocabSize);
  if (tt >= 0) throw new UserError(`token_type_ids[${Math.floor(tt / x.seqLen)}][${tt % x.seqLen}] = ${x.tokenTypeIds[tt]} is outside 0..${graph.spec.typeVocabSize - 1}`);
}
