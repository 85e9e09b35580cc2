/**
 * Gating fusion: the elementwise product feeding a linear becomes its gated
 * left operand, computed while the matmul loads it and never stored.
 *   m = mul(a, b); y = linear(m), one segment, m read only by the linear, not an output
 *     -> y = linear(a ⊙ b): the segment's operand is `gated` (inputs [a, b])
 * In a ConvBERT layer this is `(ks ⊙ q) @ conv_kernel_layer`. The linear stays
 * where it was (a and b are defined before the mul, so before it).
 */
import type { LinearOp, Op } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const fuseGate: Pass = {
  name: "fuse-gate",
  summary: "fold the elementwise product feeding a linear into its operand loads (q-gating)",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const replaced = new Map<Op, LinearOp>();
    const absorbed = new Set<Op>();
    for (const op of graph.ops) {
      if (op.kind !== "linear" || op.segments.length !== 1 || op.segments[0].operand.kind !== "input") continue;
      const product = op.inputs[0];
      const at = producers.get(product);
      if (at === undefined || protectedIds.has(product) || (readers.get(product) ?? []).length !== 1) continue;
      const mul = graph.ops[at];
      if (mul.kind !== "mul") continue;
      replaced.set(op, { ...op, inputs: [...mul.inputs], segments: [{ ...op.segments[0], operand: { kind: "gated", gate: 1 } }] });
      absorbed.add(mul);
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
