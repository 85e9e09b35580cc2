/**
 * Softmax self-attention per head. The mask is additive as in Hugging Face:
 * 0 where attention_mask is 1, MASKED_SCORE where it is 0.
 */
import * as tf from "@tensorflow/tfjs-core";
import { MASKED_SCORE, type AttentionOp } from "../../../compiler/ir/types.js";
import type { OpLowering } from "./types.js";

export const attention: OpLowering<AttentionOp> = (op, [q, k, v, mask]) => {
  const [batch, seqLen] = q.shape;
  const { heads, headSize } = op;
  const splitHeads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [batch, seqLen, heads, headSize]), [0, 2, 1, 3]);
  const scores = tf.mul(tf.matMul(splitHeads(q), splitHeads(k), false, true), op.scale);
  const bias = tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [batch, 1, 1, seqLen]);
  const probs = tf.softmax(tf.add(scores, bias));
  const context = tf.matMul(probs, splitHeads(v)); // [B, heads, L, d]
  return [tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seqLen, heads * headSize])];
};
