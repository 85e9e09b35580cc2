/**
 * `dynamic_conv`: per (position, head), a softmax over the K kernel logits,
 * then `Σ_t w_t · u[l + t - (K-1)/2]` over K shifted windows of the values
 * zero-padded along the sequence: one Slice and one Mul per tap and a Sum,
 * or for wide kernels one banded MatMul per (batch, head). Only the taps that
 * can reach a position count: with L ≤ max_positions, a tap further than
 * max_positions - 1 from the centre sees padding alone (the softmax still
 * spans all K, as in HF).
 * `maskSpan` zeroes padded positions of the values first. When fusion folded
 * the kernel-logits linear in, the logits are computed here first:
 * `(a ⊙ gate) @ W + b` (linear-product.ts).
 */
import type { DynamicConvOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import { emitProduct } from "./linear-product.js";
import { keepRows } from "./shared.js";
import type { Lowering } from "./types.js";
import type { OnnxBuilder } from "../builder.js";

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
  // Taps that can reach a position: with L ≤ max_positions, one further than
  // max_positions - 1 from the centre sees padding alone. Still R = 2·reach+1 ≤ K, centred.
  const reach = Math.min(pad, b.graph.spec.maxPositions - 1);
  const sum = 2 * reach + 1 <= MAX_SLICED_TAPS ? slicedTaps(b, id, taps, byHead, pad, reach) : bandMatmul(b, id, taps, byHead, pad, reach);
  b.node("Reshape", [sum, b.int64s([0, 0, heads * d])], op.outputs);
};

/** Up to this many reachable taps, one Slice + Mul per tap; beyond, a banded matmul (3 nodes per tap made ORT's session creation take minutes). */
const MAX_SLICED_TAPS = 31;

/** Σ_t taps[.., t] · window_t: the values padded (K-1)/2 rows at each end, one window per reachable tap. */
function slicedTaps(b: OnnxBuilder, id: string, taps: string, byHead: string, pad: number, reach: number): string {
  // [B, L + K - 1, heads, d]: pad (K-1)/2 zero rows at each end of the sequence.
  const padded = b.node("Pad", [byHead, b.int64s([0, pad, 0, 0, 0, pad, 0, 0])], [b.name(id, "padded")]);
  const K = 2 * pad + 1;
  const terms: string[] = [];
  for (let t = pad - reach; t <= pad + reach; t++) {
    // Rows t .. t+L-1 of the padded values: the end is counted from the back (K-1-t rows short).
    const end = t === K - 1 ? TO_END : -(K - 1 - t);
    const window = b.node("Slice", [padded, b.int64s([t]), b.int64s([end]), b.int64s([1])], [b.name(id, `window${t}`)]);
    const tap = b.node("Slice", [taps, b.int64s([t]), b.int64s([t + 1]), b.int64s([3])], [b.name(id, `tap${t}`)]);
    terms.push(b.node("Mul", [window, tap], [b.name(id, `term${t}`)]));
  }
  return b.node("Sum", terms, [b.name(id, "sum")]);
}

/**
 * The same sum as one matmul per (batch, head): band[l, m] = taps[l, m - l]
 * (0 ≤ m - l < R) against the values padded `reach` rows at each end. The
 * band comes from the skew trick: pad each row of taps with L zeros, flatten,
 * drop the last L, and rows of R + L - 1 are shifted right by their index.
 * Costs L·(L+R-1)·d per head instead of R·L·d: only for wide kernels.
 */
function bandMatmul(b: OnnxBuilder, id: string, taps: string, byHead: string, pad: number, reach: number): string {
  const R = 2 * reach + 1;
  const reachable = b.node("Slice", [taps, b.int64s([pad - reach]), b.int64s([pad + reach + 1]), b.int64s([3])], [b.name(id, "reachable_taps")]);
  const perHead = b.node("Transpose", [reachable], [b.name(id, "taps_t")], { perm: attr.ints([0, 2, 1, 3]) }); // [B, heads, L, R]
  const L = b.node("Shape", [taps], [b.name(id, "L")], { start: attr.int(1), end: attr.int(2) }); // [1]: the sequence length
  const rowsPadded = b.node("Pad", [perHead, b.node("Concat", [b.int64s([0, 0, 0, 0, 0, 0, 0]), L], [b.name(id, "band_pads")], { axis: attr.int(0) })], [b.name(id, "taps_padded")]);
  const flat = b.node("Reshape", [rowsPadded, b.int64s([0, 0, -1])], [b.name(id, "taps_flat")]); // [B, heads, L·(R+L)]
  const width = b.node("Add", [L, b.int64s([R - 1])], [b.name(id, "band_width")]); // R + L - 1
  const kept = b.node("Slice", [flat, b.int64s([0]), b.node("Mul", [L, width], [b.name(id, "band_size")]), b.int64s([2])], [b.name(id, "band_flat")]);
  const band = b.node("Reshape", [kept, b.node("Concat", [b.int64s([0, 0]), L, width], [b.name(id, "band_shape")], { axis: attr.int(0) })], [b.name(id, "band")]);
  const values = b.node("Transpose", [byHead], [b.name(id, "values_t")], { perm: attr.ints([0, 2, 1, 3]) }); // [B, heads, L, d]
  const padded = b.node("Pad", [values, b.int64s([0, 0, reach, 0, 0, 0, reach, 0])], [b.name(id, "padded")]);
  const product = b.node("MatMul", [band, padded], [b.name(id, "band_product")]); // [B, heads, L, d]
  return b.node("Transpose", [product], [b.name(id, "sum")], { perm: attr.ints([0, 2, 1, 3]) });
}
