/**
 * Runs TensorFlow.js plans. Weights are laid out once, when the executor is
 * created; each run uploads the inputs, executes the plan's steps in order
 * (each in its own tf.tidy), frees every intermediate after its last reader,
 * and downloads the requested outputs. Nothing outlives a run but the weights.
 */
import * as tf from "@tensorflow/tfjs-core";
import { debugEnabled } from "../../compiler/debug.js";
import type { Graph, Op } from "../../compiler/ir/types.js";
import { buildTfjsPlan, type TfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import { printTfjsPlan } from "../../compiler/backends/tfjs/print.js";
import { buildWeight } from "../../compiler/backends/tfjs/weight-layout.js";
import { TFJS_OPS, type OpLowering, type StepContext } from "../../compiler/backends/tfjs/ops/index.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { checkModelInputs, limitsOf } from "../inputs.js";
import { selectBackend, useBackend, type TfjsBackendName } from "./backend.js";

export interface TfjsExecutorOptions {
  backend?: TfjsBackendName;
}

export interface TfjsExecutor extends Executor {
  readonly backend: TfjsBackendName;
  /** The plan a request for `outputs` runs (built on first use, then cached). */
  planFor(outputs: readonly string[]): TfjsPlan;
}

export async function createTfjsExecutor(graph: Graph, weights: WeightMap, opts: TfjsExecutorOptions = {}): Promise<TfjsExecutor> {
  const backend = await selectBackend(opts.backend);
  const prepared = new Map<string, tf.Tensor>();
  for (const layout of buildTfjsPlan(graph, []).weights) prepared.set(layout.name, buildWeight(layout, weights));
  const plans = new Map<string, TfjsPlan>();
  let disposed = false;

  const planFor = (outputs: readonly string[]): TfjsPlan => {
    const key = outputs.join("\n");
    let plan = plans.get(key);
    if (!plan) {
      plans.set(key, (plan = buildTfjsPlan(graph, outputs)));
      if (debugEnabled("plan")) process.stderr.write(`=== tfjs plan (${backend}) ===\n${printTfjsPlan(plan)}\n`);
    }
    return plan;
  };

  return {
    backend,
    planFor,
    async run(inputs, outputs) {
      if (disposed) throw new Error("tfjs executor used after dispose()");
      checkModelInputs(inputs, limitsOf(graph));
      // Another executor may have switched the global tfjs backend since.
      if (tf.getBackend() !== backend) await useBackend(backend);
      return runPlan(planFor(outputs), prepared, inputs);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const tensor of prepared.values()) tensor.dispose();
      prepared.clear();
    },
  };
}

async function runPlan(plan: TfjsPlan, weights: ReadonlyMap<string, tf.Tensor>, inputs: ModelInputs): Promise<Record<string, HostTensor>> {
  const ctx: StepContext = { weights, batch: inputs.batch, seqLen: inputs.seqLen };
  const live = new Map<string, tf.Tensor>();
  try {
    for (const id of plan.inputs) live.set(id, uploadInput(id, inputs));
    for (const step of plan.steps) {
      const args = step.op.inputs.map((id) => {
        const tensor = live.get(id);
        if (!tensor) throw new Error(`tfjs plan: step '${step.op.id}' reads '${id}', which is not live`);
        return tensor;
      });
      const lowering = TFJS_OPS[step.op.kind] as OpLowering<Op>;
      const results = tf.tidy(() => lowering(step.op, args, ctx));
      step.op.outputs.forEach((id, i) => live.set(id, results[i]));
      for (const id of step.frees) {
        live.get(id)?.dispose();
        live.delete(id);
      }
    }
    const result: Record<string, HostTensor> = {};
    for (const [name, id] of Object.entries(plan.outputs)) {
      const tensor = live.get(id)!;
      result[name] = { shape: [...tensor.shape], data: (await tensor.data()) as Float32Array };
    }
    return result;
  } finally {
    for (const tensor of live.values()) tensor.dispose();
  }
}

function uploadInput(id: string, inputs: ModelInputs): tf.Tensor {
  const shape = [inputs.batch, inputs.seqLen];
  switch (id) {
    case "input_ids":
      return tf.tensor2d(inputs.inputIds, shape as [number, number], "int32");
    case "token_type_ids":
      return tf.tensor2d(inputs.tokenTypeIds, shape as [number, number], "int32");
    case "attention_mask":
      return tf.tensor2d(inputs.attentionMask, shape as [number, number], "float32");
    default:
      throw new Error(`tfjs plan: unknown graph input '${id}'`);
  }
}
