/** LayerNorm over the last axis (tfjs has no LayerNorm op), and its residual-fused form. */
import * as tf from "@tensorflow/tfjs-core";
import type { AddLayerNormOp, LayerNormOp } from "../../../ir/types.js";
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

export const addLayerNorm: OpLowering<AddLayerNormOp> = (op, [x, residual], ctx) => [
  layerNormOf(tf.add(x, residual), op.gamma, op.beta, op.eps, ctx),
];
