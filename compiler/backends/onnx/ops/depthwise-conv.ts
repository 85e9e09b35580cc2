/**
 * `depthwise_conv`: the span conv over the sequence as a grouped Conv
 * (group = channels) on `[B, H, L]`, whose weight is HF's `[H, 1, K]` as is;
 * `maskInput` zeroes padded positions first.
 */
import type { DepthwiseConvOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import { keepRows } from "./shared.js";
import type { Lowering } from "./types.js";

export const depthwiseConv: Lowering<DepthwiseConvOp> = (op, b) => {
  const id = op.outputs[0];
  const x = op.maskInput ? b.node("Mul", [op.inputs[0], keepRows(b)], [b.name(id, "masked_input")]) : op.inputs[0];
  const channels = b.paramShape(op.weight)[0];
  const pad = Math.floor(op.kernelSize / 2);
  const channelsFirst = b.node("Transpose", [x], [b.name(id, "channels_first")], { perm: attr.ints([0, 2, 1]) });
  const conv = b.node("Conv", [channelsFirst, b.paramAsIs(op.weight)], [b.name(id, "conv")], {
    group: attr.int(channels),
    kernel_shape: attr.ints([op.kernelSize]),
    pads: attr.ints([pad, pad]),
  });
  b.node("Transpose", [conv], op.outputs, { perm: attr.ints([0, 2, 1]) });
};
