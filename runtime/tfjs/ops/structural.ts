/** Ops that pick, combine or reshape values: embedding lookups, adds, slices, concat. */
import * as tf from "@tensorflow/tfjs-core";
import type { AddOp, ConcatOp, GatherOp, MulOp, PositionsOp, SliceOp, TakeFirstOp } from "../../../compiler/ir/types.js";
import { weight, type OpLowering } from "./types.js";

export const gather: OpLowering<GatherOp> = (op, [ids], ctx) => [tf.gather(weight(ctx, op.table), ids)];

/** Rows 0..L-1 of a position table. */
export const positionRows = (table: tf.Tensor, seqLen: number): tf.Tensor => tf.slice(table, [0, 0], [seqLen, -1]);

export const positions: OpLowering<PositionsOp> = (op, _inputs, ctx) => [positionRows(weight(ctx, op.table), ctx.seqLen)];

export const add: OpLowering<AddOp> = (_op, [a, b]) => [tf.add(a, b)];

export const mul: OpLowering<MulOp> = (_op, [a, b]) => [tf.mul(a, b)];

export const slice: OpLowering<SliceOp> = (op, [x]) => {
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? op.start : 0));
  const size = x.shape.map((_, i) => (i === x.rank - 1 ? op.size : -1));
  return [tf.slice(x, begin, size)];
};

export const concat: OpLowering<ConcatOp> = (_op, inputs) => [tf.concat(inputs, -1)];

export const takeFirst: OpLowering<TakeFirstOp> = (_op, [x]) => {
  const [batch, , hidden] = x.shape;
  return [tf.reshape(tf.slice(x, [0, 0, 0], [batch, 1, hidden]), [batch, hidden])];
};
