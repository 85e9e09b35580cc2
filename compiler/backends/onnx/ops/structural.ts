/** Layout-only ops: `slice` and `concat` on the last axis, `take_first` (token 0). */
import type { ConcatOp, SliceOp, TakeFirstOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import type { Lowering } from "./types.js";

export const slice: Lowering<SliceOp> = (op, b) => {
  b.node("Slice", [op.inputs[0], b.int64s([op.start]), b.int64s([op.start + op.size]), b.int64s([-1])], op.outputs);
};

export const concat: Lowering<ConcatOp> = (op, b) => {
  b.node("Concat", op.inputs, op.outputs, { axis: attr.int(-1) });
};

/** [B,L,H] -> [B,H]: Gather with a scalar index drops the axis. */
export const takeFirst: Lowering<TakeFirstOp> = (op, b) => {
  b.node("Gather", [op.inputs[0], b.int64Scalar(0)], op.outputs, { axis: attr.int(1) });
};
