/**
 * Span-conv fusion: the gated linear computing the dynamic conv's kernel
 * logits moves into the conv, which computes the logits, their softmax over
 * the K taps and the weighted span sum in one op; the logits are never stored.
 *   g = linear(a ⊙ q), one segment, no activation; y = dynamic_conv(g, u), g read only by the conv, not an output
 *     -> y = dynamic_conv(a, q, u; logits = (W, b))
 * The conv stays where it was (a and q are defined before the linear).
 * Not for kernels over MAX_FUSED_SPAN_KERNEL taps: the fused op keeps K logits
 * per row and head on chip (GPU workgroup memory), and beyond that they no
 * longer fit beside the staged operand; the logits then go through memory.
 */
import type { DynamicConvOp, Op } from "../ir/types.js";
import { outputValueIds, producersOf, readersOf, withOps } from "./graph-utils.js";
import type { Pass } from "./pass.js";

/** 255 taps of f32 logits: 1 KiB per (row, head), a few heads and rows per workgroup within WebGPU's 16 KiB floor. */
export const MAX_FUSED_SPAN_KERNEL = 255;

export const fuseSpanConv: Pass = {
  name: "fuse-span-conv",
  summary: "fold the gated kernel-logits linear into the dynamic conv reading it",
  run(graph) {
    const readers = readersOf(graph.ops);
    const producers = producersOf(graph.ops);
    const protectedIds = outputValueIds(graph);
    const replaced = new Map<Op, DynamicConvOp>();
    const absorbed = new Set<Op>();
    for (const op of graph.ops) {
      if (op.kind !== "dynamic_conv" || op.logits !== null || op.kernelSize > MAX_FUSED_SPAN_KERNEL) continue;
      const logits = op.inputs[0];
      const at = producers.get(logits);
      if (at === undefined || protectedIds.has(logits) || (readers.get(logits) ?? []).length !== 1) continue;
      const linear = graph.ops[at];
      if (linear.kind !== "linear" || linear.groups !== 1 || linear.activation !== "none" || linear.segments.length !== 1) continue;
      const [segment] = linear.segments;
      if (segment.operand.kind !== "gated") continue;
      const inputs = [linear.inputs[0], linear.inputs[segment.operand.gate], ...op.inputs.slice(1)];
      replaced.set(op, { ...op, inputs, logits: { weight: segment.weight, bias: segment.bias, inFeatures: linear.inFeatures } });
      absorbed.add(linear);
    }
    if (absorbed.size === 0) return graph;
    const ops = graph.ops.filter((op) => !absorbed.has(op)).map((op) => replaced.get(op) ?? op);
    return withOps(graph, ops);
  },
};
