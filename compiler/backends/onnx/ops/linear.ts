/**
 * `linear`: one matrix product for every segment (their weights concatenated
 * into one initializer), the bias, the activation, then a Split into the
 * segment outputs.
 * - groups 1: tokens flattened to rows, then `Gemm(x, W, b, transB=1)`: the
 *   HF `[out, in]` weight is what Gemm reads (no transpose; a single segment
 *   uses the checkpoint tensor itself, so a tied LM head shares the word
 *   embeddings), and the bias is added inside the GEMM.
 * - groups G: `[.., in] -> [.., G, in/G] -> [G, .., in/G]`, one batched
 *   MatMul with `[G, 1, in/G, Σout/G]`, bias `[G, 1, 1, Σout/G]`, and back.
 */
import type { LinearOp } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { attr } from "../proto.js";
import { activate } from "./activation-fn.js";
import { tokensShape } from "./shared.js";
import type { Lowering } from "./types.js";

export const linear: Lowering<LinearOp> = (op, b) => {
  const x = op.inputs[0];
  const rank = b.graph.values[x].shape.length;
  if (op.groups === 1) plainLinear(op, b, x, rank);
  else groupedLinear(op, b, x, rank);
};

const outFeatures = (op: LinearOp) => op.segments.map((s) => s.outFeatures);
const hasBias = (op: LinearOp) => op.segments.some((s) => s.bias !== null);
const total = (op: LinearOp) => outFeatures(op).reduce((s, o) => s + o, 0);
/** The name the last node before the split writes: the output itself when there is one segment. */
const joined = (op: LinearOp, b: OnnxBuilder) => (op.segments.length === 1 ? op.outputs[0] : b.name(op.outputs[0], "segments"));

function kernel(op: LinearOp, b: OnnxBuilder, dims: number[]): string {
  if (op.groups === 1 && op.segments.length === 1) return b.weight({ name: op.segments[0].weight, dims, source: { kind: "as_is", key: op.segments[0].weight } });
  return b.weight({
    name: `${op.id}:kernel`,
    dims,
    source: { kind: "linear_kernel", keys: op.segments.map((s) => s.weight), groups: op.groups, inFeatures: op.inFeatures, outFeatures: outFeatures(op) },
  });
}

function bias(op: LinearOp, b: OnnxBuilder, dims: number[]): string {
  const only = op.segments.length === 1 ? op.segments[0].bias : null;
  if (op.groups === 1 && only !== null) return b.weight({ name: only, dims, source: { kind: "as_is", key: only } });
  return b.weight({ name: `${op.id}:bias`, dims, source: { kind: "linear_bias", keys: op.segments.map((s) => s.bias), groups: op.groups, outFeatures: outFeatures(op) } });
}

function plainLinear(op: LinearOp, b: OnnxBuilder, x: string, rank: number): void {
  const id = op.outputs[0];
  const width = total(op);
  const out = joined(op, b);
  const rows = rank === 2 ? x : b.node("Reshape", [x, b.int64s([-1, op.inFeatures])], [b.name(id, "rows")]);
  const lastRowOp = op.activation === "none" ? (rank === 2 ? out : b.name(id, "gemm")) : b.name(id, "gemm");
  const gemmInputs = [rows, kernel(op, b, [width, op.inFeatures]), ...(hasBias(op) ? [bias(op, b, [width])] : [])];
  let y = b.node("Gemm", gemmInputs, [lastRowOp], { transB: attr.int(1) });
  if (op.activation !== "none") y = activate(b, op.activation, y, rank === 2 ? out : b.name(id, "activated"));
  if (rank !== 2) y = b.node("Reshape", [y, tokensShape(b, width)], [out]);
  if (op.segments.length > 1) b.node("Split", [y, b.int64s(outFeatures(op))], op.outputs, { axis: attr.int(-1) });
}

function groupedLinear(op: LinearOp, b: OnnxBuilder, x: string, rank: number): void {
  const G = op.groups;
  const k = op.inFeatures / G;
  const n = total(op) / G;
  const id = op.outputs[0];
  // Leading axes are kept by Reshape's 0 (copy the input's dim).
  const keep = Array<number>(rank - 1).fill(0);
  const groupsLast = b.node("Reshape", [x, b.int64s([...keep, G, k])], [b.name(id, "by_group")]);
  const groupsFirstPerm = [rank - 1, ...keep.map((_, i) => i), rank];
  const groupsFirst = b.node("Transpose", [groupsLast], [b.name(id, "groups_first")], { perm: attr.ints(groupsFirstPerm) });
  const ones = Array<number>(rank - 2).fill(1);
  let y = b.node("MatMul", [groupsFirst, kernel(op, b, [G, ...ones, k, n])], [b.name(id, "matmul")]);
  if (hasBias(op)) y = b.node("Add", [y, bias(op, b, [G, ...ones, 1, n])], [b.name(id, "biased")]);
  if (op.activation !== "none") y = activate(b, op.activation, y, b.name(id, "activated"));
  const backPerm = [...keep.map((_, i) => i + 1), 0, rank];
  const back = b.node("Transpose", [y], [b.name(id, "groups_last")], { perm: attr.ints(backPerm) });
  const widths = op.segments.map((s) => s.outFeatures / G);
  const parts = op.segments.length === 1 ? [back] : op.segments.map((_, i) => b.name(op.outputs[i], "by_group"));
  if (op.segments.length > 1) b.node("Split", [back, b.int64s(widths)], parts, { axis: attr.int(-1) });
  op.segments.forEach((s, i) => b.node("Reshape", [parts[i], b.int64s([...keep, s.outFeatures])], [op.outputs[i]]));
}
