/**
 * Softmax self-attention per head. The mask is additive as in Hugging Face:
 * 0 where attention_mask is 1, MASKED_SCORE where it is 0. Two forms
 * (compiler/backends/tfjs/forms.ts):
 * - batched: one batched matMul (K transposed in the kernel) over (batch,
 *   head), then softmax, then one batched matMul with V: few ops, what GPUs want;
 * - per_head: Q, K^T and V put head-major once, then per (batch row, head) a
 *   2-D matMul, softmax and 2-D matMul: tfjs-wasm runs only 2-D untransposed
 *   matMuls on XNNPACK (5-7x faster per layer at L512, see lowering.ts).
 * The scale multiplies Q ([B,L,H·d]) rather than the scores ([B,H,L,L]).
 */
import * as tf from "@tensorflow/tfjs-core";
import { MASKED_SCORE, type AttentionOp } from "../../../compiler/ir/types.js";
import { formOf, type OpLowering } from "./types.js";

export const attention: OpLowering<AttentionOp> = (op, [q, k, v, mask], ctx) => {
  const { matmuls } = formOf(ctx, "attention", op.id);
  const [batch, seqLen] = q.shape;
  const { heads, headSize } = op;
  // [B, 1 | 1, L]: broadcast over the query rows (and heads).
  const bias = tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [batch, 1, 1, seqLen]);
  const scaled = tf.mul(q, op.scale);
  const byHead = (x: tf.Tensor, order: number[]) => tf.transpose(tf.reshape(x, [batch, seqLen, heads, headSize]), order);
  let context: tf.Tensor; // [B, heads, L, d]
  if (matmuls === "batched") {
    const scores = tf.matMul(byHead(scaled, [0, 2, 1, 3]), byHead(k, [0, 2, 1, 3]), false, true);
    context = tf.matMul(tf.softmax(tf.add(scores, bias)), byHead(v, [0, 2, 1, 3]));
  } else {
    const count = batch * heads;
    const split = (x: tf.Tensor, rows: number, columns: number) => tf.unstack(tf.reshape(x, [count, rows, columns])) as tf.Tensor2D[];
    const qs = split(byHead(scaled, [0, 2, 1, 3]), seqLen, headSize);
    const kts = split(byHead(k, [0, 2, 3, 1]), headSize, seqLen);
    const vs = split(byHead(v, [0, 2, 1, 3]), seqLen, headSize);
    const rowBias = tf.unstack(tf.reshape(bias, [batch, 1, seqLen]));
    const perHead = qs.map((qh, i) => tf.matMul(tf.softmax(tf.add(tf.matMul(qh, kts[i]), rowBias[Math.floor(i / heads)])) as tf.Tensor2D, vs[i]));
    context = tf.reshape(tf.stack(perHead), [batch, heads, seqLen, headSize]);
  }
  return [tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seqLen, heads * headSize])];
};
