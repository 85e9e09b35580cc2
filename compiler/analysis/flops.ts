/**
 * FLOPs of one forward pass, per op and by part, as polynomials in B and L.
 *
 * Conventions (also in docs/analysis.md):
 * - a multiply-add is 2 FLOPs; a bias add, residual add, gating multiply is
 *   1 FLOP per output element;
 * - an activation (GELU, tanh, ...) is 1 FLOP per element, whatever its formula;
 * - softmax is 5 FLOPs per element (max, subtract, exp, sum, divide);
 * - LayerNorm is 7 FLOPs per element (mean 1, centre 1, square+sum 2,
 *   scale by 1/σ 1, ·γ+β 2); the per-row sqrt is not counted;
 * - attention also counts the score scaling and mask add (1 each per score);
 * - convolutions count every tap, including the zero padding at the edges;
 * - gathers, slices, concats and take-first move data: 0 FLOPs.
 * A fused op costs the sum of what it fused, so an optimised graph has the
 * same FLOPs as the plain lowering.
 */
import type { Graph, LinearOp, Op, Part } from "../ir/types.js";
import { add, evaluate, monomial, scale, shapeSize, type Polynomial } from "./polynomial.js";

export const ACTIVATION_FLOPS = 1;
export const SOFTMAX_FLOPS = 5;
export const LAYER_NORM_FLOPS = 7;

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

export function flopsFormula(graph: Graph): FlopsFormula {
  const partOfParam = new Map(graph.params.map((p) => [p.key, p.part]));
  const perOp: OpFlops[] = [];
  for (const op of graph.ops) {
    for (const { part, flops } of opFlops(graph, op, partOfParam)) {
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

function opFlops(graph: Graph, op: Op, partOfParam: Map<string, Part>): Array<{ part: Part; flops: Polynomial }> {
  const size = (id: string) => shapeSize(graph.values[id].shape);
  const out = size(op.outputs[0]);
  const whole = (flops: Polynomial) => [{ part: op.part, flops }];
  switch (op.kind) {
    case "gather":
    case "positions":
    case "slice":
    case "concat":
    case "take_first":
      return [];
    case "add":
    case "mul":
      return whole(out);
    case "activation":
      return whole(scale(out, ACTIVATION_FLOPS));
    case "layer_norm":
      return whole(scale(out, LAYER_NORM_FLOPS));
    case "add_layer_norm":
      return whole(scale(out, 1 + LAYER_NORM_FLOPS));
    case "linear":
      return linearFlops(graph, op, partOfParam);
    case "depthwise_conv":
      return whole(scale(out, 2 * op.kernelSize));
    case "attention": {
      // Per (batch, head): QKᵀ and PV are 2·L²·d each; scale, mask, softmax per score.
      const perScore = 4 * op.headSize + 2 + SOFTMAX_FLOPS;
      return whole(monomial(op.heads * perScore, 1, 2));
    }
    case "dynamic_conv": {
      // Per (batch, position, head): softmax over K taps, then K taps for each of d channels.
      const perPosition = op.heads * (SOFTMAX_FLOPS * op.kernelSize + 2 * op.kernelSize * op.headSize);
      return whole(monomial(perPosition, 1, 1));
    }
  }
}

/** Each segment: rows · (2·in/G·out + bias + activation), attributed to its own part. */
function linearFlops(graph: Graph, op: LinearOp, partOfParam: Map<string, Part>): Array<{ part: Part; flops: Polynomial }> {
  const inputShape = graph.values[op.inputs[0]].shape;
  const rows = shapeSize(inputShape.slice(0, -1));
  const activation = op.activation === "none" ? 0 : ACTIVATION_FLOPS;
  return op.segments.map((segment) => {
    const perRow = segment.outFeatures * (2 * (op.inFeatures / op.groups) + (segment.bias ? 1 : 0) + activation);
    // A fused projection keeps each segment's part (query -> self_attention,
    // conv_out_layer -> span_conv) via its bias, which is never shared (a tied
    // LM head shares only its weight).
    const part = (segment.bias && partOfParam.get(segment.bias)) || op.part;
    return { part, flops: scale(rows, perRow) };
  });
}
