/**
 * Residual + LayerNorm fusion.
 *   s = add(a, b); y = layer_norm(s), s read only by the norm, not a graph output,
 *   a and b of one shape (no broadcast)                -> y = add_layer_norm(a, b)
 * The fused op sits where the norm was (a and b are defined before the add).
 */
import type { AddLayerNormOp, Op } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const fuseAddLayerNorm: Pass = {
  name: "fuse-add-layernorm",
  summary: "fuse a residual add into the LayerNorm that is its only reader",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const sameShape = (a: string, b: string) => graph.values[a].shape.join(",") === graph.values[b].shape.join(",");
    const replaced = new Map<Op, AddLayerNormOp>();
    const absorbed = new Set<Op>();
    for (const norm of graph.ops) {
      if (norm.kind !== "layer_norm") continue;
      const sum = norm.inputs[0];
      const addIndex = producers.get(sum);
      if (addIndex === undefined || protectedIds.has(sum) || (readers.get(sum) ?? []).length !== 1) continue;
      const addOp = graph.ops[addIndex];
      if (addOp.kind !== "add" || !sameShape(addOp.inputs[0], addOp.inputs[1])) continue;
      const { gamma, beta, eps, id, outputs, part, layer } = norm;
      const fused: AddLayerNormOp = { kind: "add_layer_norm", id, inputs: [...addOp.inputs], outputs: [...outputs], part, gamma, beta, eps };
      if (layer !== undefined) fused.layer = layer;
      replaced.set(norm, fused);
      absorbed.add(addOp);
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
