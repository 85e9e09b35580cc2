/**
 * Weight layouts: how each HF-shaped parameter is turned, once at load time,
 * into the tensor an op step reads, so no step ever transposes a weight.
 *
 * - linear (groups 1): HF `[out, in]` (or pointwise `[out, in, 1]`), one per
 *   segment, read as concatenated along `out` and transposed to `[in, Σout]`;
 *   each matMul block of the step's form (forms.ts) takes its column range
 *   `[in, size]` of that, scaled by `scale` (prescaled GELU).
 * - linear (groups G): `[G, in/G, out/G]` per segment -> `[G, in/G, Σout/G]`
 *   for one batched matMul over the groups.
 * - depthwise conv `[H, 1, K]` -> a `depthwiseConv2d` filter `[1, K, H, 1]`.
 * - embedding tables and LayerNorm parameters are used as they are.
 * This file only describes layouts (plain data); runtime/tfjs/weights.ts
 * builds them.
 */
import { assertNever, type DepthwiseConvOp, type LinearOp, type Op } from "../../ir/types.js";
import { GELU_PRESCALE, type StepForm } from "./forms.js";

/** Columns [start, start + size) of the concatenated output (per group), each weight multiplied by `scale`. */
export interface ColumnRange {
  start: number;
  size: number;
  scale: number;
}

export type WeightLayout =
  | { kind: "as_is"; name: string; source: string }
  | ({ kind: "linear_kernel"; name: string; sources: string[]; groups: number; inFeatures: number; outFeatures: number[] } & ColumnRange)
  | ({ kind: "linear_bias"; name: string; sources: (string | null)[]; groups: number; outFeatures: number[] } & ColumnRange)
  | { kind: "depthwise_filter"; name: string; source: string; kernelSize: number };

export const linearKernelName = (op: LinearOp): string => `${op.id}:kernel`;
/** The bias of a linear, or null when no segment has one. */
export const linearBiasName = (op: LinearOp): string | null =>
  op.segments.some((s) => s.bias !== null) ? `${op.id}:bias` : null;
export const depthwiseFilterName = (op: DepthwiseConvOp): string => `${op.id}:filter`;

/** Every layout the steps read under their forms, each once. */
export function weightLayouts(ops: readonly Op[], forms: readonly StepForm[]): WeightLayout[] {
  const layouts = new Map<string, WeightLayout>();
  ops.forEach((op, i) => {
    for (const layout of opLayouts(op, forms[i])) layouts.set(layout.name, layout);
  });
  return [...layouts.values()];
}

const asIs = (source: string): WeightLayout => ({ kind: "as_is", name: source, source });

/** The layouts one op reads. */
function opLayouts(op: Op, form: StepForm): WeightLayout[] {
  switch (op.kind) {
    case "gather":
    case "positions":
      return [asIs(op.table)];
    case "layer_norm":
      return [asIs(op.gamma), asIs(op.beta)];
    case "add_layer_norm":
      return [...op.terms.flatMap((t) => (t.kind === "gather" || t.kind === "positions" ? [asIs(t.table)] : [])), asIs(op.gamma), asIs(op.beta)];
    case "linear": {
      if (form.kind !== "linear") throw new Error(`tfjs plan: linear '${op.id}' has no linear form`);
      const outFeatures = op.segments.map((s) => s.outFeatures);
      const common = { groups: op.groups, outFeatures, scale: form.activation === "gelu_prescaled" ? GELU_PRESCALE : 1 };
      return form.blocks.flatMap((block): WeightLayout[] => {
        const range = { ...common, start: block.start, size: block.size };
        const kernel: WeightLayout = { kind: "linear_kernel", name: block.kernel, sources: op.segments.map((s) => s.weight), inFeatures: op.inFeatures, ...range };
        return block.bias ? [kernel, { kind: "linear_bias", name: block.bias, sources: op.segments.map((s) => s.bias), ...range }] : [kernel];
      });
    }
    case "depthwise_conv":
      return [{ kind: "depthwise_filter", name: depthwiseFilterName(op), source: op.weight, kernelSize: op.kernelSize }];
    case "add":
    case "mul":
    case "activation":
    case "slice":
    case "concat":
    case "attention":
    case "dynamic_conv":
    case "take_first":
      return [];
    default:
      return assertNever(op, "op kind");
  }
}
