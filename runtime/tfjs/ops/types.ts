/** The contract between the plan runner and the per-op lowerings. */
import type * as tf from "@tensorflow/tfjs-core";
import type { Op, OpKind } from "../../../compiler/ir/types.js";

export interface StepContext {
  /** Weights laid out at load time, by layout name (see weight-layout.ts). */
  weights: ReadonlyMap<string, tf.Tensor>;
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
