/**
 * Activations, as Hugging Face defines them. tfjs has no erf-GELU op, so the
 * exact form is spelled out with tf.erf: 0.5·x·(1 + erf(x/√2)).
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Activation } from "../../../spec/model-spec.js";
import type { ActivationOp } from "../../../ir/types.js";
import type { OpLowering } from "./types.js";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function applyActivation(x: tf.Tensor, fn: Activation | "none"): tf.Tensor {
  switch (fn) {
    case "none":
      return x;
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1));
    case "gelu_new": {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
  }
}

export const activation: OpLowering<ActivationOp> = (op, [x]) => [applyActivation(x, op.fn)];
