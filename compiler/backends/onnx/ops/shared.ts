/**
 * Values several lowerings read, built once per graph from the inputs:
 * the sequence length, the attention mask as keep-flags and as an additive
 * score bias. A mask entry is "padding" exactly when it is 0, as in the
 * reference interpreter.
 */
import { MASKED_SCORE } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { attr, FLOAT, INT32 } from "../proto.js";

/** `[L]` (int64): the sequence length, for slicing position rows. */
export function sequenceLength(b: OnnxBuilder): string {
  return b.once("sequence_length", () => b.node("Shape", ["input_ids"], ["input_ids:sequence_length"], { start: attr.int(1), end: attr.int(2) }));
}

/** `[B, L, width]` (int64), for reshaping token rows back: Shape(input_ids) ++ [width]. */
export function tokensShape(b: OnnxBuilder, width: number): string {
  return b.once(`tokens_shape_${width}`, () => {
    const batchSequence = b.once("batch_sequence", () => b.node("Shape", ["input_ids"], ["input_ids:shape"]));
    return b.node("Concat", [batchSequence, b.int64s([width])], [`input_ids:shape_${width}`], { axis: attr.int(0) });
  });
}

/** `[B,L]` bool: true where the mask is 0. */
function padding(b: OnnxBuilder, mask: string): string {
  return b.once(`padding:${mask}`, () => b.node("Equal", [mask, b.float(0)], [`${mask}:is_padding`]));
}

/** `[B,L]` bool: true where the position is kept. */
function kept(b: OnnxBuilder, mask: string): string {
  return b.once(`kept:${mask}`, () => b.node("Not", [padding(b, mask)], [`${mask}:keep`]));
}

/** `[B,L,1]` float: 1 where the position is kept, 0 where it is padding (zeroes padded rows). */
export function keepRows(b: OnnxBuilder, mask: string): string {
  return b.once(`keep_rows:${mask}`, () => {
    const asFloat = b.node("Cast", [kept(b, mask)], [`${mask}:keep_f32`], { to: attr.int(FLOAT) });
    return b.node("Unsqueeze", [asFloat, b.int64s([-1])], [`${mask}:keep_rows`]);
  });
}

/** `[B,1,1,L]`: 0 for kept keys, MASKED_SCORE for padded ones, added to every head's scores. */
export function scoreBias(b: OnnxBuilder, mask: string): string {
  return b.once(`score_bias:${mask}`, () => {
    const bias = b.node("Where", [padding(b, mask), b.float(MASKED_SCORE), b.float(0)], [`${mask}:score_bias_bl`]);
    return b.node("Unsqueeze", [bias, b.int64s([1, 2])], [`${mask}:score_bias`]);
  });
}

/** `[B,L]` int32: 1 kept, 0 padding (MultiHeadAttention's key_padding_mask). */
export function keyPaddingMask(b: OnnxBuilder, mask: string): string {
  return b.once(`key_padding_mask:${mask}`, () => {
    return b.node("Cast", [kept(b, mask)], [`${mask}:key_padding_mask`], { to: attr.int(INT32) });
  });
}
