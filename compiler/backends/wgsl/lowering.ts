/**
 * The WGSL lowering table: every IR op kind -> the kernel module that
 * computes it, or a view (no dispatch). A new op kind is a compile error
 * here. The scheduler (schedule.ts) only walks the ops in order and records
 * where values live; what each dispatch binds, its uniforms and its grid are
 * the kernel module's.
 */
import type { OpKind, OpOf, PositionsOp, SliceOp, TakeFirstOp } from "../../ir/types.js";
import type { OpLowering } from "./context.js";
import { attentionLowering } from "./kernels/attention.js";
import { depthwiseConvLowering } from "./kernels/depthwise-conv.js";
import { dynamicConvLowering } from "./kernels/dynamic-conv.js";
import { activationLowering, addLowering, concatLowering, gatherLowering, mulLowering } from "./kernels/elementwise.js";
import { addLayerNormLowering, layerNormLowering } from "./kernels/layer-norm.js";
import { linearLowering } from "./kernels/matmul.js";
import { L_SIZE, times } from "./sizes.js";

/** A column range of the input: same buffer, shifted offset. */
const sliceView: OpLowering<SliceOp> = {
  writesView: () => false,
  lower(op, ctx) {
    const src = ctx.viewOf(op.inputs[0]);
    ctx.setView(op.outputs[0], { ...src, offset: src.offset + op.start, cols: op.size });
  },
};

/** Row 0 of every sequence: the input's rows with an L-times stride. */
const takeFirstView: OpLowering<TakeFirstOp> = {
  writesView: () => false,
  lower(op, ctx) {
    const src = ctx.viewOf(op.inputs[0]);
    ctx.setView(op.outputs[0], { ...src, stride: times(src.stride, L_SIZE) });
  },
};

/** Rows 0..L-1 of the position table: the table itself (readers index rows by position). */
const positionsView: OpLowering<PositionsOp> = {
  writesView: () => false,
  lower(op, ctx) {
    ctx.setView(op.outputs[0], ctx.paramView(op.table));
  },
};

export const WGSL_LOWERING: { [K in OpKind]: OpLowering<OpOf<K>> } = {
  gather: gatherLowering,
  positions: positionsView,
  add: addLowering,
  mul: mulLowering,
  layer_norm: layerNormLowering,
  add_layer_norm: addLayerNormLowering,
  linear: linearLowering,
  activation: activationLowering,
  slice: sliceView,
  concat: concatLowering,
  depthwise_conv: depthwiseConvLowering,
  attention: attentionLowering,
  dynamic_conv: dynamicConvLowering,
  take_first: takeFirstView,
};

export function loweringOf<K extends OpKind>(op: OpOf<K>): OpLowering<OpOf<K>> {
  return WGSL_LOWERING[op.kind as K] as OpLowering<OpOf<K>>;
}
