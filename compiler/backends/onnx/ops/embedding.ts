/**
 * `gather`: rows of an embedding table by id ([B,L] -> [B,L,E]).
 * `positions`: rows 0..L-1 of the position table, L read off input_ids.
 */
import type { GatherOp, PositionsOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import { sequenceLength } from "./shared.js";
import type { Lowering } from "./types.js";

export const gather: Lowering<GatherOp> = (op, b) => {
  b.node("Gather", [b.paramAsIs(op.table), op.inputs[0]], op.outputs, { axis: attr.int(0) });
};

export const positions: Lowering<PositionsOp> = (op, b) => {
  b.node("Slice", [b.paramAsIs(op.table), b.int64s([0]), sequenceLength(b), b.int64s([0])], op.outputs);
};
