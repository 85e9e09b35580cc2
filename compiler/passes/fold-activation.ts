/**
 * Activation folding (bias + activation in the matmul's epilogue).
 *   y = linear(x); z = act(y), y read only by act and not a graph output -> z = linear(x, act)
 * Only single-segment linears: a fused projection's segments share one
 * activation, and the projections have none. The folded op takes z's id and
 * sits where the linear was (x is defined before it, z's readers come after).
 */
import type { ActivationOp, LinearOp, Op } from "../ir/types.js";
import { outputValueIds, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const foldActivations: Pass = {
  name: "fold-activation",
  summary: "fold an activation into the linear producing its only input (bias+GELU fusion)",
  run(graph) {
    const readers = readersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const replaced = new Map<Op, LinearOp>();
    const folded = new Set<Op>();
    for (const op of graph.ops) {
      if (op.kind !== "linear" || op.segments.length !== 1 || op.activation !== "none") continue;
      const pre = op.outputs[0];
      const users = readers.get(pre) ?? [];
      if (users.length !== 1 || protectedIds.has(pre)) continue;
      const act = graph.ops[users[0]];
      if (act.kind !== "activation") continue;
      replaced.set(op, { ...op, id: act.outputs[0], outputs: [...act.outputs], activation: (act as ActivationOp).fn });
      folded.add(act);
    }
    if (folded.size === 0) return graph;
    const ops = graph.ops.filter((op) => !folded.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
