/** The contract of one op-kind lowering: emit the ONNX nodes computing the op's outputs. */
import type { Op, OpKind } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";

/** Emits nodes whose outputs are named exactly `op.outputs` (internal values `<id>:<what>`). */
export type Lowering<O extends Op> = (op: O, b: OnnxBuilder) => void;

/** One lowering per IR op kind: a new kind without an entry is a compile error. */
export type LoweringTable = { [K in OpKind]: Lowering<Extract<Op, { kind: K }>> };
