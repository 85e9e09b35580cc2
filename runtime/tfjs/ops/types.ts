/** The contract between the plan runner and the per-op lowerings. */
import type * as tf from "@tensorflow/tfjs-core";
import type { StepForm } from "../../../compiler/backends/tfjs/forms.js";
import type { Op, OpKind } from "../../../compiler/ir/types.js";

export interface StepContext {
  /** Weights laid out at load time, by layout name (see weight-layout.ts). */
  weights: ReadonlyMap<string, tf.Tensor>;
  /** How this step runs on the executor's backend (compiler/backends/tfjs/forms.ts). */
  form: StepForm;
  batch: number;
  seqLen: number;
}

/** Runs one IR op on tfjs tensors; returns one tensor per op output. Called inside `tf.tidy`. */
export type OpLowering<O extends Op> = (op: O, inputs: tf.Tensor[], ctx: StepContext) => tf.Tensor[];

export type OpTable = { [K in OpKind]: OpLowering<Extract<Op, { kind: K }>> };

export function weight(ctx: StepContext, name: string): tf.Tensor {
  const tensor = ctx.weights.get(name);
  if (!tensor) throw new Error(`tfjs plan: prepared weight '${name}' is missing`);
  return tensor;
}

/** The step's form, checked to be of the kind the lowering expects. */
export function formOf<K extends StepForm["kind"]>(ctx: StepContext, kind: K, opId: string): Extract<StepForm, { kind: K }> {
  if (ctx.form.kind !== kind) throw new Error(`tfjs plan: step '${opId}' has a ${ctx.form.kind} form, expected ${kind}`);
  return ctx.form as Extract<StepForm, { kind: K }>;
}
