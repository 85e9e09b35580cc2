/**
 * `dynamic_conv`: per (position, head), a softmax over the K kernel logits,
 * then `Σ_t w_t · u[l + t - (K-1)/2]` over K shifted windows of the values
 * zero-padded along the sequence (one Slice, one Mul each, one Sum).
 * `maskSpan` zeroes padded positions of the values first. When fusion folded
 * the kernel-logits linear in, the logits are computed here first:
 * `(a ⊙ gate) @ W + b` (linear-product.ts).
 */
import type { DynamicConvOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import { emitProduct } from "./linear-product.js";
import { keepRows } from "./shared.js";
import type { Lowering } from "./types.js";

/** Slice ends past the axis are clamped: "to the end". */
const TO_END = 2 ** 53 - 1;

export const dynamicConv: Lowering<DynamicConvOp> = (op, b) => {
  const { heads, headSize: d, kernelSize: K } = op;
  const id = op.outputs[0];
  const pad = (K - 1) / 2;
  const mask = op.maskSpan ? op.inputs[op.inputs.length - 1] : null;
  let logits: string;
  let values: string;
  if (op.logits === null) {
    [logits, values] = op.inputs;
  } else {
    const [a, gate] = op.inputs;
    values = op.inputs[2];
    const gated = b.node("Mul", [a, gate], [b.name(id, "gated")]);
    logits = b.name(id, "kernel_logits");
    const { weight, bias, inFeatures } = op.logits;
    emitProduct(b, { x: gated, inFeatures, groups: 1, segments: [{ weight, bias, outFeatures: heads * K }], activation: "none", outputs: [logits] });
  }
  const u = mask === null ? values : b.node("Mul", [values, keepRows(b, mask)], [b.name(id, "masked_values")]);
  const taps = b.node("Softmax", [b.node("Reshape", [logits, b.int64s([0, 0, heads, K])], [b.name(id, "logits")])], [b.name(id, "taps")], {
    axis: attr.int(-1),
  });
  const byHead = b.node("Reshape", [u, b.int64s([0, 0, heads, d])], [b.name(id, "values")]);
  // [B, L + K - 1, heads, d]: pad (K-1)/2 zero rows at each end of the sequence.
  const padded = b.node("Pad", [byHead, b.int64s([0, pad, 0, 0, 0, pad, 0, 0])], [b.name(id, "padded")]);
  const terms: string[] = [];
  for (let t = 0; t < K; t++) {
    // Rows t .. t+L-1 of the padded values: the end is counted from the back (K-1-t rows short).
    const end = t === K - 1 ? TO_END : -(K - 1 - t);
    const window = b.node("Slice", [padded, b.int64s([t]), b.int64s([end]), b.int64s([1])], [b.name(id, `window${t}`)]);
    const tap = b.node("Slice", [taps, b.int64s([t]), b.int64s([t + 1]), b.int64s([3])], [b.name(id, `tap${t}`)]);
    terms.push(b.node("Mul", [window, tap], [b.name(id, `term${t}`)]));
  }
  const sum = b.node("Sum", terms, [b.name(id, "sum")]);
  b.node("Reshape", [sum, b.int64s([0, 0, heads * d])], op.outputs);
};
