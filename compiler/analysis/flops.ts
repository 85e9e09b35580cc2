/**
 * FLOPs of one forward pass, per op and by part, as polynomials in B and L.
 * Each op's count comes from the op table (compiler/ir/ops.ts), which states
 * the conventions (also in docs/analysis.md). A fused op costs the sum of what
 * it fused, so an optimised graph has the same FLOPs as the plain lowering.
 */
import { opInfo, type OpContext } from "../ir/ops.js";
import { add, evaluate, type Polynomial } from "../ir/polynomial.js";
import type { Graph, Op, Part } from "../ir/types.js";

export { ACTIVATION_FLOPS, LAYER_NORM_FLOPS, SOFTMAX_FLOPS } from "../ir/ops.js";

export const PARTS: readonly Part[] = ["embeddings", "self_attention", "span_conv", "attention_output", "ffn", "pooler", "mlm_head", "cls_head"];

export interface OpFlops {
  op: string;
  kind: Op["kind"];
  part: Part;
  layer?: number;
  flops: Polynomial;
}

export interface FlopsFormula {
  total: Polynomial;
  byPart: Record<Part, Polynomial>;
  /** One entry per op (a multi-segment linear gives one per segment, each in its own part). */
  perOp: OpFlops[];
}

export interface FlopsAt {
  total: number;
  byPart: Record<Part, number>;
}

/** What the op table needs to count an op of `graph`. */
export function opContext(graph: Graph): OpContext {
  const partOfParam = new Map(graph.params.map((p) => [p.key, p.part]));
  return { shapeOf: (id) => graph.values[id].shape, partOfParam: (key) => partOfParam.get(key) };
}

export function flopsFormula(graph: Graph): FlopsFormula {
  const ctx = opContext(graph);
  const perOp: OpFlops[] = [];
  for (const op of graph.ops) {
    for (const { part, flops } of opInfo(op).flops(op, ctx)) {
      const entry: OpFlops = { op: op.id, kind: op.kind, part, flops };
      if (op.layer !== undefined) entry.layer = op.layer;
      perOp.push(entry);
    }
  }
  const byPart = Object.fromEntries(PARTS.map((part) => [part, add(...perOp.filter((e) => e.part === part).map((e) => e.flops))])) as Record<Part, Polynomial>;
  return { total: add(...perOp.map((e) => e.flops)), byPart, perOp };
}

/** Total and per-part FLOPs at a concrete (B, L): what benchmarks divide by time. */
export function forwardFlops(graph: Graph, at: { batch: number; seqLen: number }): FlopsAt {
  const formula = flopsFormula(graph);
  const byPart = Object.fromEntries(PARTS.map((part) => [part, evaluate(formula.byPart[part], at)])) as Record<Part, number>;
  return { total: evaluate(formula.total, at), byPart };
}
