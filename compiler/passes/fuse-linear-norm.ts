/**
 * Linear + residual LayerNorm fusion: the projection feeding a residual
 * LayerNorm becomes one of its terms, so one kernel computes the matmul,
 * the residual sum and the normalisation over whole rows.
 *   y = linear(x), one plain segment, no activation; z = add_layer_norm(y + r + ...), y read only by it, not an output
 *     -> z = add_layer_norm((x @ W + b) + r + ...)
 * One linear term per norm (the first that qualifies). The norm stays where
 * it was (x is defined before the linear).
 */
import type { AddLayerNormOp, Op, SumTerm } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const fuseLinearNorm: Pass = {
  name: "fuse-linear-norm",
  summary: "fold the projection feeding a residual LayerNorm into it (matmul + residual + LN in one op)",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const replaced = new Map<Op, AddLayerNormOp>();
    const absorbed = new Set<Op>();
    for (const norm of graph.ops) {
      if (norm.kind !== "add_layer_norm" || norm.terms.some((t) => t.kind === "linear")) continue;
      const at = norm.terms.findIndex((t) => {
        if (t.kind !== "value") return false;
        const id = norm.inputs[t.input];
        const src = producers.get(id);
        if (src === undefined || protectedIds.has(id) || (readers.get(id) ?? []).length !== 1) return false;
        const op = graph.ops[src];
        return op.kind === "linear" && op.activation === "none" && op.segments.length === 1 && op.segments[0].operand.kind === "input";
      });
      if (at < 0) continue;
      const valueTerm = norm.terms[at] as Extract<SumTerm, { kind: "value" }>;
      const linear = graph.ops[producers.get(norm.inputs[valueTerm.input])!];
      if (linear.kind !== "linear") continue;
      const [segment] = linear.segments;
      const inputs = [...norm.inputs];
      inputs[valueTerm.input] = linear.inputs[0];
      const term: SumTerm = { kind: "linear", input: valueTerm.input, weight: segment.weight, bias: segment.bias, inFeatures: linear.inFeatures, groups: linear.groups };
      replaced.set(norm, { ...norm, inputs, terms: norm.terms.map((t, i) => (i === at ? term : t)) });
      absorbed.add(linear);
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
