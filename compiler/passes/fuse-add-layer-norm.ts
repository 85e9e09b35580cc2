/**
 * Sum + LayerNorm fusion: a LayerNorm absorbs the tree of adds feeding it, and
 * the table lookups at its leaves.
 *   y = layer_norm(add(add(a, b), c))                  -> y = add_layer_norm(a + b + c)
 *   leaf gather(ids; table) / positions(table)         -> a gather / positions term (no [B,L,E] copy)
 * An add or lookup is absorbed only when the absorbing op is its one reader
 * and it is not a graph output; other leaves stay `value` terms. Terms keep
 * the left-to-right order of the adds. This makes the residual add + LN one
 * op, and the embeddings (word + position + token-type rows, LN) one op.
 * The fused op sits where the norm was (every leaf is defined before it).
 */
import type { AddLayerNormOp, Op, SumTerm } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const fuseAddLayerNorm: Pass = {
  name: "fuse-add-layernorm",
  summary: "fuse the adds (and table lookups) feeding a LayerNorm into it",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    /** The op producing `id`, when its only reader may absorb it. */
    const absorbable = (id: string): Op | undefined => {
      const at = producers.get(id);
      if (at === undefined || protectedIds.has(id) || (readers.get(id) ?? []).length !== 1) return undefined;
      return graph.ops[at];
    };
    const replaced = new Map<Op, AddLayerNormOp>();
    const absorbed = new Set<Op>();
    for (const norm of graph.ops) {
      if (norm.kind !== "layer_norm") continue;
      const root = absorbable(norm.inputs[0]);
      if (root?.kind !== "add") continue;
      const inputs: string[] = [];
      const terms: SumTerm[] = [];
      const taken: Op[] = [];
      const visit = (id: string): void => {
        const src = absorbable(id);
        if (src?.kind === "add") {
          taken.push(src);
          src.inputs.forEach(visit);
        } else if (src?.kind === "gather") {
          taken.push(src);
          terms.push({ kind: "gather", table: src.table, ids: inputs.push(src.inputs[0]) - 1 });
        } else if (src?.kind === "positions") {
          taken.push(src);
          terms.push({ kind: "positions", table: src.table });
        } else {
          terms.push({ kind: "value", input: inputs.push(id) - 1 });
        }
      };
      visit(norm.inputs[0]);
      const { gamma, beta, eps, id, outputs, part, layer } = norm;
      const fused: AddLayerNormOp = { kind: "add_layer_norm", id, inputs, outputs: [...outputs], part, terms, gamma, beta, eps };
      if (layer !== undefined) fused.layer = layer;
      replaced.set(norm, fused);
      taken.forEach((op) => absorbed.add(op));
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
