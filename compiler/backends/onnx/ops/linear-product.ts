/**
 * One matrix product over the last axis, shared by `linear`, a LayerNorm's
 * linear term and the dynamic conv's kernel logits: `act(x @ W + b)` for one
 * or more segments of one operand.
 * - groups 1: tokens flattened to rows, then `Gemm(x, W, b, transB=1)`: the
 *   HF `[out, in]` weight is what Gemm reads (no transpose; a single segment
 *   uses the checkpoint tensor itself, so a tied LM head shares the word
 *   embeddings), and the bias is added inside the GEMM; several segments
 *   stack their weights and Split the result.
 * - groups G: `[.., in] -> [.., G, in/G] -> [G, .., in/G]`, one batched
 *   MatMul with `[G, 1, in/G, Σout/G]`, bias `[G, 1, 1, Σout/G]`, and back.
 */
import type { Activation } from "../../../spec/model-spec.js";
import type { OnnxBuilder } from "../builder.js";
import { attr } from "../proto.js";
import { activate } from "./activation-fn.js";
import { tokensShape } from "./shared.js";

export interface ProductSegment {
  weight: string;
  bias: string | null;
  outFeatures: number;
}

export interface Product {
  /** The left operand (an ONNX value of shape [..., inFeatures]). */
  x: string;
  inFeatures: number;
  groups: number;
  segments: readonly ProductSegment[];
  activation: Activation | "none";
  /** One ONNX value name per segment. */
  outputs: readonly string[];
}

export function emitProduct(b: OnnxBuilder, p: Product): void {
  const rank = b.rankOf(p.x);
  if (p.groups === 1) plainProduct(b, p, rank);
  else groupedProduct(b, p, rank);
}

const widths = (p: Product) => p.segments.map((s) => s.outFeatures);
const total = (p: Product) => widths(p).reduce((s, o) => s + o, 0);
const hasBias = (p: Product) => p.segments.some((s) => s.bias !== null);

function kernel(b: OnnxBuilder, p: Product, dims: number[]): string {
  if (p.groups === 1 && p.segments.length === 1) return b.weight({ name: p.segments[0].weight, dims, source: { kind: "as_is", key: p.segments[0].weight } });
  return b.weight({
    name: `${p.outputs[0]}:kernel`,
    dims,
    source: { kind: "linear_kernel", keys: p.segments.map((s) => s.weight), groups: p.groups, inFeatures: p.inFeatures, outFeatures: widths(p) },
  });
}

function bias(b: OnnxBuilder, p: Product, dims: number[]): string {
  const only = p.segments.length === 1 ? p.segments[0].bias : null;
  if (p.groups === 1 && only !== null) return b.weight({ name: only, dims, source: { kind: "as_is", key: only } });
  return b.weight({ name: `${p.outputs[0]}:bias`, dims, source: { kind: "linear_bias", keys: p.segments.map((s) => s.bias), groups: p.groups, outFeatures: widths(p) } });
}

/** The name the last node before the split writes: the output itself when there is one segment. */
const joined = (b: OnnxBuilder, p: Product) => (p.segments.length === 1 ? p.outputs[0] : b.name(p.outputs[0], "segments"));

function plainProduct(b: OnnxBuilder, p: Product, rank: number): void {
  const id = p.outputs[0];
  const width = total(p);
  const out = joined(b, p);
  const rows = rank === 2 ? p.x : b.node("Reshape", [p.x, b.int64s([-1, p.inFeatures])], [b.name(id, "rows")]);
  const gemmOut = p.activation === "none" && rank === 2 ? out : b.name(id, "gemm");
  const gemmInputs = [rows, kernel(b, p, [width, p.inFeatures]), ...(hasBias(p) ? [bias(b, p, [width])] : [])];
  let y = b.node("Gemm", gemmInputs, [gemmOut], { transB: attr.int(1) });
  if (p.activation !== "none") y = activate(b, p.activation, y, rank === 2 ? out : b.name(id, "activated"));
  if (rank !== 2) y = b.node("Reshape", [y, tokensShape(b, width)], [out]);
  if (p.segments.length > 1) b.node("Split", [y, b.int64s(widths(p))], [...p.outputs], { axis: attr.int(-1) });
}

function groupedProduct(b: OnnxBuilder, p: Product, rank: number): void {
  const G = p.groups;
  const k = p.inFeatures / G;
  const n = total(p) / G;
  const id = p.outputs[0];
  // Leading axes are kept by Reshape's 0 (copy the input's dim).
  const keep = Array<number>(rank - 1).fill(0);
  const groupsLast = b.node("Reshape", [p.x, b.int64s([...keep, G, k])], [b.name(id, "by_group")]);
  const groupsFirstPerm = [rank - 1, ...keep.map((_, i) => i), rank];
  const groupsFirst = b.node("Transpose", [groupsLast], [b.name(id, "groups_first")], { perm: attr.ints(groupsFirstPerm) });
  const ones = Array<number>(rank - 2).fill(1);
  let y = b.node("MatMul", [groupsFirst, kernel(b, p, [G, ...ones, k, n])], [b.name(id, "matmul")]);
  if (hasBias(p)) y = b.node("Add", [y, bias(b, p, [G, ...ones, 1, n])], [b.name(id, "biased")]);
  if (p.activation !== "none") y = activate(b, p.activation, y, b.name(id, "activated"));
  const backPerm = [...keep.map((_, i) => i + 1), 0, rank];
  const back = b.node("Transpose", [y], [b.name(id, "groups_last")], { perm: attr.ints(backPerm) });
  const parts = p.segments.length === 1 ? [back] : p.outputs.map((o) => b.name(o, "by_group"));
  if (p.segments.length > 1) b.node("Split", [back, b.int64s(p.segments.map((s) => s.outFeatures / G))], parts, { axis: attr.int(-1) });
  p.segments.forEach((s, i) => b.node("Reshape", [parts[i], b.int64s([...keep, s.outFeatures])], [p.outputs[i]]));
}
