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
    // One batch row at a time, each in its own tidy: measured faster at B8 than all rows' heads at once (88 vs 190 ms, L128).
    const row = (x: tf.Tensor, b: number, order: number[]) =>
      tf.transpose(tf.reshape(tf.slice(x, [b, 0, 0], [1, seqLen, heads * headSize]), [seqLen, heads, headSize]), order);
    const rowBias = tf.reshape(bias, [batch, seqLen]);
    const rows = Array.from({ length: batch }, (_, b) =>
      tf.tidy(() => {
        const qs = tf.unstack(row(scaled, b, [1, 0, 2])) as tf.Tensor2D[];
        const kts = tf.unstack(row(k, b, [1, 2, 0])) as tf.Tensor2D[];
        const vs = tf.unstack(row(v, b, [1, 0, 2])) as tf.Tensor2D[];
        const keyBias = tf.slice(rowBias, [b, 0], [1, seqLen]); // [1, L]: broadcast over the query rows
        return tf.stack(qs.map((qh, h) => tf.matMul(tf.softmax(tf.add(tf.matMul(qh, kts[h]), keyBias)) as tf.Tensor2D, vs[h])));
      }),
    );
    context = tf.stack(rows); // [B, heads, L, d]
  }
  return [tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seqLen, heads * headSize])];
};
