/** LayerNorm over the last axis (tfjs has no LayerNorm op), and its fused LayerNorm-of-a-sum form. */
import * as tf from "@tensorflow/tfjs-core";
import { assertNever, type AddLayerNormOp, type LayerNormOp, type SumTerm } from "../../../compiler/ir/types.js";
import { positionRows } from "./structural.js";
import { weight, type OpLowering, type StepContext } from "./types.js";

function layerNormOf(x: tf.Tensor, gammaKey: string, betaKey: string, eps: number, ctx: StepContext): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  // Variance of the centred values (not E[x²]-E[x]²), which cancels badly in float32.
  const variance = tf.mean(tf.square(centered), -1, true);
  const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, weight(ctx, gammaKey)), weight(ctx, betaKey));
}

export const layerNorm: OpLowering<LayerNormOp> = (op, [x], ctx) => [layerNormOf(x, op.gamma, op.beta, op.eps, ctx)];

/** LN(Σ terms): values as they are, gathers and position rows read from the tables. */
export const addLayerNorm: OpLowering<AddLayerNormOp> = (op, inputs, ctx) => {
  const term = (t: SumTerm): tf.Tensor => {
    switch (t.kind) {
      case "value":
        return inputs[t.input];
      case "gather":
        return tf.gather(weight(ctx, t.table), inputs[t.ids]);
      case "positions":
        return positionRows(weight(ctx, t.table), ctx.seqLen);
      case "linear":
        throw new Error(`tfjs plan: the linear term of '${op.id}' was not split`);
      default:
        return assertNever(t, "sum term");
    }
  };
  const sum = op.terms.map(term).reduce((a, b) => tf.add(a, b));
  return [layerNormOf(sum, op.gamma, op.beta, op.eps, ctx)];
};
