/**
 * Projection fusion: one matmul for every projection of the same input.
 *   linear(x; W1) ... linear(x; Wn), groups 1, no activation -> linear(x; W1|...|Wn), n outputs
 * In a ConvBERT layer query, key, value and conv_out_layer all read the layer
 * input x: one matmul with 4 segments. The separable conv's pointwise cannot
 * join them: it reads the depthwise-conv output, not x. Grouped linears stay
 * alone (their block-diagonal weights do not concatenate into one matmul).
 * The fused op sits where the first projection was, so every reader still
 * comes after it.
 */
import type { LinearOp, Op } from "../ir/types.js";
import { withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

const fusible = (op: Op): op is LinearOp => op.kind === "linear" && !op.gated && op.groups === 1 && op.activation === "none";

export const fuseProjections: Pass = {
  name: "fuse-projections",
  summary: "merge linears that read the same input into one multi-segment matmul",
  run(graph) {
    const byInput = new Map<string, LinearOp[]>();
    for (const op of graph.ops) {
      if (!fusible(op)) continue;
      const group = byInput.get(op.inputs[0]);
      if (group) group.push(op);
      else byInput.set(op.inputs[0], [op]);
    }
    const fusedAt = new Map<LinearOp, LinearOp>();
    const absorbed = new Set<Op>();
    for (const group of byInput.values()) {
      if (group.length < 2) continue;
      const [first, ...rest] = group;
      fusedAt.set(first, {
        ...first,
        segments: group.flatMap((op) => op.segments),
        outputs: group.flatMap((op) => op.outputs),
      });
      rest.forEach((op) => absorbed.add(op));
    }
    if (fusedAt.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => (fusible(op) && fusedAt.get(op)) || op);
    return withOps(graph, ops);
  },
};
