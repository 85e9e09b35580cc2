/**
 * The WebGPU executor: runs one compiled WGSL plan (compiler/backends/wgsl)
 * behind the `Executor` contract. Weights are uploaded and pipelines compiled
 * once, at creation; the executor never optimises or recompiles.
 */
import type { WgslProgramPlan } from "../../compiler/backends/wgsl/index.js";
import { UserError } from "../../compiler/errors.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { checkModelInputs, checkRequestedOutputs } from "../inputs.js";
import { createDevice } from "./device.js";
import { createGpuContext, createPlanRunner, disposeGpuContext, PlanError, type PlanRunner } from "./plan-runner.js";

export interface WebGpuExecutorOptions {
  /** Use this device instead of creating one (the caller then owns it). */
  device?: GPUDevice;
}

export interface WebGpuExecutor extends Executor {
  readonly plan: WgslProgramPlan;
  /** GPU buffers this executor created and destroyed so far (they balance after dispose). */
  readonly bufferStats: { created: number; destroyed: number };
}

export async function createWebGpuExecutor(plan: WgslProgramPlan, weights: WeightMap, opts: WebGpuExecutorOptions = {}): Promise<WebGpuExecutor> {
  const device = opts.device ?? (await createDevice());
  const ctx = createGpuContext(device, weights);
  const compiled = Object.fromEntries(Object.keys(plan.outputs).map((name) => [name, name]));
  let runner: PlanRunner;
  try {
    runner = await createPlanRunner(ctx, plan);
  } catch (e) {
    disposeGpuContext(ctx);
    if (!opts.device) device.destroy();
    throw asUserError(e);
  }
  let disposed = false;
  return {
    plan,
    outputs: Object.keys(plan.outputs),
    bufferStats: ctx.stats,
    async run(inputs: ModelInputs, outputs: readonly string[] = Object.keys(plan.outputs)): Promise<Record<string, HostTensor>> {
      if (disposed) throw new Error("executor used after dispose()");
      checkRequestedOutputs(outputs, compiled, plan.model);
      checkModelInputs(inputs, plan.limits);
      try {
        return await runner.run(inputs, outputs);
      } catch (e) {
        throw asUserError(e);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      runner.dispose();
      disposeGpuContext(ctx);
      if (!opts.device) device.destroy();
    },
  };
}

function asUserError(e: unknown): unknown {
  return e instanceof PlanError ? new UserError(e.message, { cause: e }) : e;
}
