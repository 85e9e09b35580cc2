/**
 * Projection fusion: one op for every projection of the same input.
 *   linear(x; W1) ... linear(x; Wn), groups 1, no activation -> linear(x; W1|...|Wn), n outputs
 * In a ConvBERT layer query, key, value and conv_out_layer all read the layer
 * input x, and so does the span key once fuse-span-key has folded its
 * depthwise conv into its operand: one op with 5 segments (a backend runs the
 * segments of one operand kind as one matmul). Gated linears read a second
 * value and stay alone; grouped linears too (their block-diagonal weights do
 * not concatenate into one matmul). The fused op sits where the first
 * projection was: x is defined before it, and any other input it reads (the
 * attention mask of a masked span key) is a graph input.
 */
import type { LinearOp, LinearSegment, Op } from "../ir/types.js";
import { withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

const fusible = (op: Op, graphInputs: ReadonlySet<string>): op is LinearOp =>
  op.kind === "linear" &&
  op.groups === 1 &&
  op.activation === "none" &&
  op.segments.every((s) => s.operand.kind === "input" || (s.operand.kind === "depthwise_conv" && (s.operand.mask === null || graphInputs.has(op.inputs[s.operand.mask]))));

/**
 * The group as one op: inputs [x, ...the other inputs its segments read],
 * each segment's indices remapped; plain segments first, then the fused
 * operands (stable), so segments of one operand kind are contiguous: one
 * matmul each.
 */
function merge(group: readonly LinearOp[]): LinearOp {
  const inputs = [group[0].inputs[0]];
  const parts = group.flatMap((op) =>
    op.segments.map((segment, i) => {
      const output = op.outputs[i];
      const { operand } = segment;
      if (operand.kind !== "depthwise_conv" || operand.mask === null) return { segment, output };
      const maskId = op.inputs[operand.mask];
      const mask = inputs.includes(maskId) ? inputs.indexOf(maskId) : inputs.push(maskId) - 1;
      return { segment: { ...segment, operand: { ...operand, mask } } as LinearSegment, output };
    }),
  );
  const ordered = [...parts.filter((p) => p.segment.operand.kind === "input"), ...parts.filter((p) => p.segment.operand.kind !== "input")];
  const outputs = ordered.map((p) => p.output);
  return { ...group[0], id: outputs[0], inputs, segments: ordered.map((p) => p.segment), outputs };
}

export const fuseProjections: Pass = {
  name: "fuse-projections",
  summary: "merge linears that read the same input into one multi-segment matmul",
  run(graph) {
    const graphInputs = new Set(Object.keys(graph.inputs));
    const byInput = new Map<string, LinearOp[]>();
    for (const op of graph.ops) {
      if (!fusible(op, graphInputs)) continue;
      const group = byInput.get(op.inputs[0]);
      if (group) group.push(op);
      else byInput.set(op.inputs[0], [op]);
    }
    const fusedAt = new Map<LinearOp, LinearOp>();
    const absorbed = new Set<Op>();
    for (const group of byInput.values()) {
      if (group.length < 2) continue;
      const [first, ...rest] = group;
      fusedAt.set(first, merge(group));
      rest.forEach((op) => absorbed.add(op));
    }
    if (fusedAt.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => (op.kind === "linear" && fusedAt.get(op)) || op);
    return withOps(graph, ops);
  },
};
