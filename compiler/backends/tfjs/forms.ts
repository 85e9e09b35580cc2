/**
 * Step forms: how one op of a plan runs under a lowering (lowering.ts), as
 * plain data the runtime's op table reads. Only linear and attention have
 * more than one form; every other op runs as written.
 */
import type { AttentionOp, LinearOp, Op } from "../../ir/types.js";
import type { TfjsLowering } from "./lowering.js";

/** One matMul of a linear: columns [start, start + size) of its concatenated output (per group for grouped linears). */
export interface LinearBlock {
  start: number;
  size: number;
  /** Weight layout names (weight-layout.ts). */
  kernel: string;
  bias: string | null;
}

export interface LinearForm {
  kind: "linear";
  /** The matMuls, in column order; together they cover every output column once. */
  blocks: LinearBlock[];
  /** "fused": inside tf.fused.matMul; "after": a separate op on the output; "gelu_prescaled": the blocks yield x/√2 (weights scaled at load), GELU finishes it. */
  activation: "none" | "fused" | "after" | "gelu_prescaled";
}

export interface AttentionForm {
  kind: "attention";
  matmuls: TfjsLowering["attention"];
}

export type StepForm = LinearForm | AttentionForm | { kind: "as_written" };

/** The factor prescaled GELU multiplies a linear's weights and bias by. */
export const GELU_PRESCALE = Math.SQRT1_2;

export function stepForm(op: Op, lowering: TfjsLowering): StepForm {
  if (op.kind === "linear") return linearForm(op, lowering);
  if (op.kind === "attention") return attentionForm(op, lowering);
  return { kind: "as_written" };
}

function attentionForm(_op: AttentionOp, lowering: TfjsLowering): AttentionForm {
  return { kind: "attention", matmuls: lowering.attention };
}

function linearForm(op: LinearOp, lowering: TfjsLowering): LinearForm {
  const activation: LinearForm["activation"] =
    op.activation === "none" ? "none"
    : lowering.fusedActivations.includes(op.activation) && op.groups === 1 ? "fused"
    : op.activation === "gelu" && lowering.gelu === "erf_prescaled" ? "gelu_prescaled"
    : "after";
  const total = op.segments.reduce((sum, s) => sum + s.outFeatures, 0);
  const hasBias = op.segments.some((s) => s.bias !== null);
  const block = (start: number, size: number): LinearBlock => {
    // The whole weight keeps the plain names; a column block is named by its range.
    const range = size === total / op.groups ? "" : `[${start}:${start + size}]`;
    return { start, size, kernel: `${op.id}:kernel${range}`, bias: hasBias ? `${op.id}:bias${range}` : null };
  };
  if (op.groups > 1) return { kind: "linear", blocks: [block(0, total / op.groups)], activation };
  const ranges: [number, number][] = [];
  if (lowering.segments === "per_segment" && op.segments.length > 1) {
    let start = 0;
    for (const s of op.segments) {
      ranges.push([start, s.outFeatures]);
      start += s.outFeatures;
    }
  } else {
    ranges.push([0, total]);
  }
  const blocks: LinearBlock[] = [];
  for (const [start, size] of ranges) {
    const columns = lowering.blockWeights !== null && op.inFeatures * size >= lowering.blockWeights ? lowering.blockColumns : size;
    for (let at = 0; at < size; at += columns) blocks.push(block(start + at, Math.min(columns, size - at)));
  }
  return { kind: "linear", blocks, activation };
}

/** The form's kernels, for the plan printout. */
export function describeForm(form: StepForm): string | null {
  switch (form.kind) {
    case "linear": {
      const n = form.blocks.length;
      return n === 1 ? null : `${n} matMuls of ${[...new Set(form.blocks.map((b) => b.size))].join("/")} columns`;
    }
    case "attention":
      return form.matmuls === "per_head" ? "per-head 2-D matMuls, K transposed once" : "batched matMuls";
    case "as_written":
      return null;
  }
}
