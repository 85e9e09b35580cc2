/**
 * Runs a TensorFlow.js plan (compiler/backends/tfjs). Weights are laid out
 * once, when the executor is created; each run uploads the inputs, executes
 * the plan's steps in order (each in its own tf.tidy), frees every
 * intermediate after its last reader, and downloads the requested outputs.
 * Nothing outlives a run but the weights. tfjs's backend is process-global:
 * every use goes through `onBackend`, so executors on different backends
 * never run on each other's.
 */
import * as tf from "@tensorflow/tfjs-core";
import { debugEnabled } from "../../compiler/debug.js";
import type { StepForm } from "../../compiler/backends/tfjs/forms.js";
import type { TfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import { printTfjsPlan } from "../../compiler/backends/tfjs/print.js";
import type { Op } from "../../compiler/ir/types.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { checkModelInputs, checkRequestedOutputs, limitsOf } from "../inputs.js";
import { describeChoice, exclusive, onBackend, selectBackend, type BackendChoice, type TfjsBackendName } from "./backend.js";
import { TFJS_OPS, type OpLowering, type StepContext } from "./ops/index.js";
import { buildWeight } from "./weights.js";

export interface TfjsExecutor extends Executor {
  readonly backend: TfjsBackendName;
  /** How the backend was chosen (what `auto` skipped, and why). */
  readonly choice: BackendChoice;
  readonly plan: TfjsPlan;
}

export async function createTfjsExecutor(plan: TfjsPlan, weights: WeightMap): Promise<TfjsExecutor> {
  const choice = await exclusive(() => selectBackend(plan.backend));
  const { backend } = choice;
  const variant = plan.variants[backend];
  if (!variant) throw new Error(`tfjs plan for '${plan.graph.name}' has no variant for backend '${backend}' (compiled for ${Object.keys(plan.variants).join(", ")})`);
  if (debugEnabled("plan")) process.stderr.write(`=== tfjs plan (${describeChoice(choice)}) ===\n${printTfjsPlan(plan, backend)}\n`);
  const prepared = await onBackend(backend, () => new Map(variant.weights.map((layout) => [layout.name, buildWeight(layout, weights)])));
  let disposed = false;

  return {
    backend,
    choice,
    runsOn: describeChoice(choice),
    plan,
    outputs: Object.keys(plan.outputs),
    async run(inputs, outputs = Object.keys(plan.outputs)) {
      if (disposed) throw new Error("tfjs executor used after dispose()");
      checkRequestedOutputs(outputs, plan.outputs, plan.graph.name);
      checkModelInputs(inputs, limitsOf(plan.graph));
      return onBackend(backend, () => runPlan(plan, variant.forms, prepared, inputs, outputs));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const tensor of prepared.values()) tensor.dispose();
      prepared.clear();
    },
  };
}

async function runPlan(
  plan: TfjsPlan,
  forms: readonly StepForm[],
  weights: ReadonlyMap<string, tf.Tensor>,
  inputs: ModelInputs,
  outputs: readonly string[],
): Promise<Record<string, HostTensor>> {
  const live = new Map<string, tf.Tensor>();
  try {
    for (const id of plan.inputs) live.set(id, uploadInput(id, inputs));
    for (const [i, step] of plan.steps.entries()) {
      const ctx: StepContext = { weights, form: forms[i], batch: inputs.batch, seqLen: inputs.seqLen };
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
    const result: Record<string, HostTensor> = Object.create(null);
    for (const name of outputs) {
      const tensor = live.get(plan.outputs[name])!;
      result[name] = { shape: [...tensor.shape], data: (await tensor.data()) as Float32Array };
    }
    return result;
  } finally {
    for (const tensor of live.values()) tensor.dispose();
  }
}

function uploadInput(id: string, inputs: ModelInputs): tf.Tensor {
  const shape: [number, number] = [inputs.batch, inputs.seqLen];
  switch (id) {
    case "input_ids":
      return tf.tensor2d(inputs.inputIds, shape, "int32");
    case "token_type_ids":
      return tf.tensor2d(inputs.tokenTypeIds, shape, "int32");
    case "attention_mask":
      return tf.tensor2d(inputs.attentionMask, shape, "float32");
    default:
      throw new Error(`tfjs plan: unknown graph input '${id}'`);
  }
}
