/**
 * `attention`: softmax(q kᵀ · scale + mask bias) v per head.
 * Standard ops: heads split by Reshape/Transpose, two MatMuls, the additive
 * mask bias (0 kept / MASKED_SCORE padded, built once per graph) broadcast
 * over heads and queries. With the `attention` contrib op: ORT's
 * MultiHeadAttention on the projected q, k, v with the key padding mask.
 */
import { MASKED_SCORE, type AttentionOp } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { attr } from "../proto.js";
import { keyPaddingMask, scoreBias } from "./shared.js";
import type { Lowering } from "./types.js";

export const attention: Lowering<AttentionOp> = (op, b) => {
  if (b.options.contrib.has("attention")) multiHeadAttention(op, b);
  else standardAttention(op, b);
};

function multiHeadAttention(op: AttentionOp, b: OnnxBuilder): void {
  const [q, k, v] = op.inputs;
  b.contribNode("MultiHeadAttention", [q, k, v, "", keyPaddingMask(b, op.inputs[3])], op.outputs, {
    num_heads: attr.int(op.heads),
    scale: attr.float(op.scale),
    mask_filter_value: attr.float(MASKED_SCORE),
  });
}

function standardAttention(op: AttentionOp, b: OnnxBuilder): void {
  const { heads, headSize: d } = op;
  const id = op.outputs[0];
  const [q, k, v] = op.inputs;
  const split = (x: string, what: string, perm: number[]) =>
    b.node("Transpose", [b.node("Reshape", [x, b.int64s([0, 0, heads, d])], [b.name(id, `${what}_heads`)])], [b.name(id, `${what}_t`)], {
      perm: attr.ints(perm),
    });
  const qh = split(q, "q", [0, 2, 1, 3]); // [B, heads, L, d]
  const kt = split(k, "k", [0, 2, 3, 1]); // [B, heads, d, L]
  const vh = split(v, "v", [0, 2, 1, 3]);
  const raw = b.node("MatMul", [qh, kt], [b.name(id, "qk")]);
  const scaled = b.node("Mul", [raw, b.float(op.scale)], [b.name(id, "scores")]);
  const masked = b.node("Add", [scaled, scoreBias(b, op.inputs[3])], [b.name(id, "masked_scores")]);
  const probs = b.node("Softmax", [masked], [b.name(id, "probs")], { axis: attr.int(-1) });
  const context = b.node("MatMul", [probs, vh], [b.name(id, "context")]); // [B, heads, L, d]
  const tokensFirst = b.node("Transpose", [context], [b.name(id, "context_t")], { perm: attr.ints([0, 2, 1, 3]) });
  b.node("Reshape", [tokensFirst, b.int64s([0, 0, heads * d])], op.outputs);
}
