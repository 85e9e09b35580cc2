/**
 * `depthwise_conv`: the span conv over the sequence as a grouped Conv
 * (group = channels) on `[B, H, L]`, whose weight is HF's `[H, 1, K]` as is;
 * a mask zeroes padded positions first. Also a linear segment's fused operand.
 */
import type { DepthwiseConvOp } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { attr } from "../proto.js";
import { keepRows } from "./shared.js";
import type { Lowering } from "./types.js";

export interface DepthwiseConv {
  x: string;
  weight: string;
  kernelSize: number;
  /** The attention mask whose 0 positions read as zero, or null. */
  mask: string | null;
  output: string;
}

export function emitDepthwiseConv(b: OnnxBuilder, c: DepthwiseConv): string {
  const x = c.mask === null ? c.x : b.node("Mul", [c.x, keepRows(b, c.mask)], [b.name(c.output, "masked_input")]);
  const channels = b.paramShape(c.weight)[0];
  const pad = Math.floor(c.kernelSize / 2);
  const channelsFirst = b.node("Transpose", [x], [b.name(c.output, "channels_first")], { perm: attr.ints([0, 2, 1]) });
  const conv = b.node("Conv", [channelsFirst, b.paramAsIs(c.weight)], [b.name(c.output, "conv")], {
    group: attr.int(channels),
    kernel_shape: attr.ints([c.kernelSize]),
    pads: attr.ints([pad, pad]),
  });
  return b.node("Transpose", [conv], [c.output], { perm: attr.ints([0, 2, 1]) });
}

export const depthwiseConv: Lowering<DepthwiseConvOp> = (op, b) => {
  emitDepthwiseConv(b, { x: op.inputs[0], weight: op.weight, kernelSize: op.kernelSize, mask: op.maskInput ? op.inputs[1] : null, output: op.outputs[0] });
};
