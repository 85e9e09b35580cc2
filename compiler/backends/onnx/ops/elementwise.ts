/** `add` (trailing-axis broadcast, as ONNX's) and `mul`. */
import type { AddOp, MulOp } from "../../../ir/types.js";
import type { Lowering } from "./types.js";

export const add: Lowering<AddOp> = (op, b) => {
  b.node("Add", op.inputs, op.outputs);
};

export const mul: Lowering<MulOp> = (op, b) => {
  b.node("Mul", op.inputs, op.outputs);
};
