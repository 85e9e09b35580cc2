/**
 * Weight layouts: how each HF-shaped parameter is turned, once at load time,
 * into the tensor an op step reads, so no step ever transposes a weight.
 *
 * - linear (groups 1): HF `[out, in]` (or pointwise `[out, in, 1]`), one per
 *   segment -> concatenated along `out` and transposed to `[in, Σout]`: one
 *   matmul serves every segment (projection fusion).
 * - linear (groups G): `[G, in/G, out/G]` per segment -> `[G, in/G, Σout/G]`
 *   for one batched matmul over the groups.
 * - depthwise conv `[H, 1, K]` -> a `depthwiseConv2d` filter `[1, K, H, 1]`.
 * - embedding tables and LayerNorm parameters are used as they are.
 * This file only describes layouts (plain data); runtime/tfjs/weights.ts
 * builds them as tensors.
 */
import { assertNever, type DepthwiseConvOp, type Graph, type LinearOp, type Op } from "../../ir/types.js";

export type WeightLayout =
  | { kind: "as_is"; name: string; source: string }
  | { kind: "linear_kernel"; name: string; sources: string[]; groups: number; inFeatures: number; outFeatures: number[] }
  | { kind: "linear_bias"; name: string; sources: (string | null)[]; groups: number; outFeatures: number[] }
  | { kind: "depthwise_filter"; name: string; source: string; kernelSize: number };

export const linearKernelName = (op: LinearOp): string => `${op.id}:kernel`;
/** The bias of a linear, or null when no segment has one. */
export const linearBiasName = (op: LinearOp): string | null =>
  op.segments.some((s) => s.bias !== null) ? `${op.id}:bias` : null;
export const depthwiseFilterName = (op: DepthwiseConvOp): string => `${op.id}:filter`;

/** Every layout the graph's ops read, each once. */
export function weightLayouts(graph: Graph): WeightLayout[] {
  const layouts = new Map<string, WeightLayout>();
  for (const op of graph.ops) for (const layout of opLayouts(op)) layouts.set(layout.name, layout);
  return [...layouts.values()];
}

const asIs = (source: string): WeightLayout => ({ kind: "as_is", name: source, source });

/** The layouts one op reads. */
function opLayouts(op: Op): WeightLayout[] {
  switch (op.kind) {
    case "gather":
    case "positions":
      return [asIs(op.table)];
    case "layer_norm":
      return [asIs(op.gamma), asIs(op.beta)];
    case "add_layer_norm":
      return [...op.terms.flatMap((t) => (t.kind === "gather" || t.kind === "positions" ? [asIs(t.table)] : [])), asIs(op.gamma), asIs(op.beta)];
    case "linear": {
      const outFeatures = op.segments.map((s) => s.outFeatures);
      const kernel: WeightLayout = { kind: "linear_kernel", name: linearKernelName(op), sources: op.segments.map((s) => s.weight), groups: op.groups, inFeatures: op.inFeatures, outFeatures };
      const bias = linearBiasName(op);
      return bias ? [kernel, { kind: "linear_bias", name: bias, sources: op.segments.map((s) => s.bias), groups: op.groups, outFeatures }] : [kernel];
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
