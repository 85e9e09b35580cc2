/**
 * Dead-code elimination.
 *   graph output not requested                 -> dropped from `outputs`
 *   op none of whose outputs is needed          -> dropped (unused heads, hidden states, debug values)
 *   linear segment whose output is not needed   -> segment dropped (the rest of the matmul stays)
 *   parameter no remaining op reads             -> dropped (a backend need not load it)
 */
import type { LinearOp, Op } from "../ir/types.js";
import { resolveOutputs, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const deadCodeElimination: Pass = {
  name: "dce",
  summary: "drop outputs not requested and every op, segment and parameter they do not need",
  run(graph, { requestedOutputs }) {
    const ids = resolveOutputs(graph, requestedOutputs);
    const outputs = Object.fromEntries(requestedOutputs.map((name, i) => [name, ids[i]]));
    const needed = new Set(ids);
    const kept: Op[] = [];
    for (let i = graph.ops.length - 1; i >= 0; i--) {
      const op = pruneSegments(graph.ops[i], needed);
      if (!op) continue;
      op.inputs.forEach((id) => needed.add(id));
      kept.push(op);
    }
    return withOps(graph, kept.reverse(), outputs);
  },
};

/** The op with only its needed outputs, or null when it has none. */
function pruneSegments(op: Op, needed: Set<string>): Op | null {
  if (!op.outputs.some((id) => needed.has(id))) return null;
  if (op.kind !== "linear" || op.outputs.every((id) => needed.has(id))) return op;
  const keep = op.outputs.map((id) => needed.has(id));
  const outputs = op.outputs.filter((_, i) => keep[i]);
  const pruned: LinearOp = { ...op, id: outputs[0], outputs, segments: op.segments.filter((_, i) => keep[i]) };
  return pruned;
}
