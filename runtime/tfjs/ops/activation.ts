/**
 * Activations, as Hugging Face defines them, one entry per activation name.
 * tfjs has no erf-GELU op, so the exact form is spelled out with tf.erf:
 * 0.5·x·(1 + erf(x/√2)).
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../../../compiler/spec/model-spec.js";
import type { ActivationOp } from "../../../compiler/ir/types.js";
import type { OpLowering } from "./types.js";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

const ACTIVATIONS: Record<Activation | "none", (x: tf.Tensor) => tf.Tensor> = {
  none: (x) => x,
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1)),
  gelu_new: (x) => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  },
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
};

/**
 * GELU of x from z = x/√2 (a linear whose weights and bias were scaled by
 * 1/√2 at load): 0.5·x·(1+erf(x/√2)) = z·(1+erf(z))·(1/√2), four ops instead of five.
 */
export function geluFromPrescaled(z: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(z, SQRT_HALF), tf.add(tf.erf(z), 1));
}

/** `fn(x)`; the same argument order as the reference interpreter and the WGSL helper. */
export function applyActivation(fn: Activation | "none", x: tf.Tensor): tf.Tensor {
  return ACTIVATIONS[fn](x);
}

export const activation: OpLowering<ActivationOp> = (op, [x]) => [applyActivation(op.fn, x)];
