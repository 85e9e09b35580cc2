/**
 * Span-key fusion: the depthwise conv feeding a linear becomes that linear's
 * operand, computed while the matmul loads it and never stored.
 *   s = depthwise_conv(x; w); y = linear(s), s read only by the linear, not an output
 *     -> y = linear(dwconv(x; w)): every segment's operand is `depthwise_conv` (inputs [x (, mask)])
 * In a ConvBERT layer this is the separable conv's pointwise after its
 * depthwise half; fuse-projections can then merge it with the other
 * projections of x. The linear stays where it was.
 */
import type { LinearOp, Op } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

export const fuseSpanKey: Pass = {
  name: "fuse-span-key",
  summary: "fold a depthwise conv into the operand loads of the linear reading it (span key)",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const replaced = new Map<Op, LinearOp>();
    const absorbed = new Set<Op>();
    for (const op of graph.ops) {
      if (op.kind !== "linear" || op.groups !== 1 || !op.segments.every((s) => s.operand.kind === "input")) continue;
      const conv = op.inputs[0];
      const at = producers.get(conv);
      if (at === undefined || protectedIds.has(conv) || (readers.get(conv) ?? []).length !== 1) continue;
      const dw = graph.ops[at];
      if (dw.kind !== "depthwise_conv") continue;
      const operand = { kind: "depthwise_conv", weight: dw.weight, kernelSize: dw.kernelSize, mask: dw.maskInput ? 1 : null } as const;
      replaced.set(op, { ...op, inputs: [...dw.inputs], segments: op.segments.map((s) => ({ ...s, operand })) });
      absorbed.add(dw);
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
