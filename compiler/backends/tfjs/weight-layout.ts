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
 */
import * as tf from "@tensorflow/tfjs-core";
import type { DepthwiseConvOp, Graph, LinearOp } from "../../ir/types.js";
import type { HostTensor, WeightMap } from "../../../runtime/executor.js";

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
  const asIs = (source: string) => layouts.set(source, { kind: "as_is", name: source, source });
  for (const op of graph.ops) {
    switch (op.kind) {
      case "gather":
      case "positions":
        asIs(op.table);
        break;
      case "layer_norm":
      case "add_layer_norm":
        asIs(op.gamma);
        asIs(op.beta);
        break;
      case "linear": {
        const outFeatures = op.segments.map((s) => s.outFeatures);
        const kernel = linearKernelName(op);
        layouts.set(kernel, { kind: "linear_kernel", name: kernel, sources: op.segments.map((s) => s.weight), groups: op.groups, inFeatures: op.inFeatures, outFeatures });
        const bias = linearBiasName(op);
        if (bias) layouts.set(bias, { kind: "linear_bias", name: bias, sources: op.segments.map((s) => s.bias), groups: op.groups, outFeatures });
        break;
      }
      case "depthwise_conv": {
        const name = depthwiseFilterName(op);
        layouts.set(name, { kind: "depthwise_filter", name, source: op.weight, kernelSize: op.kernelSize });
        break;
      }
      default:
        break; // no parameters
    }
  }
  return [...layouts.values()];
}

/** Builds one layout on the current tfjs backend. The caller owns the returned tensor. */
export function buildWeight(layout: WeightLayout, weights: WeightMap): tf.Tensor {
  const laidOut = layWeight(layout, weights);
  // Re-upload so the tensor owns data of its final shape: the wasm backend
  // checks a bias's rank on the data record, which a reshape view would share.
  const owned = tf.tensor(laidOut.dataSync(), laidOut.shape, "float32");
  laidOut.dispose();
  return owned;
}

function layWeight(layout: WeightLayout, weights: WeightMap): tf.Tensor {
  const host = (key: string): HostTensor => {
    const tensor = weights.get(key);
    if (!tensor) throw new Error(`tfjs plan: weight '${key}' is not in the weight map`);
    return tensor;
  };
  return tf.tidy(() => {
    switch (layout.kind) {
      case "as_is": {
        const t = host(layout.source);
        return tf.tensor(t.data, t.shape, "float32");
      }
      case "linear_kernel":
        return linearKernel(layout, host);
      case "linear_bias":
        return linearBias(layout, host);
      case "depthwise_filter": {
        const t = host(layout.source);
        const channels = t.shape[0];
        const kc = tf.transpose(tf.tensor2d(t.data, [channels, layout.kernelSize]));
        return tf.reshape(kc, [1, layout.kernelSize, channels, 1]);
      }
    }
  });
}

function linearKernel(layout: Extract<WeightLayout, { kind: "linear_kernel" }>, host: (key: string) => HostTensor): tf.Tensor {
  const { groups, inFeatures } = layout;
  if (groups === 1) {
    const parts = layout.sources.map((key, i) => tf.tensor2d(host(key).data, [layout.outFeatures[i], inFeatures]));
    return tf.transpose(parts.length === 1 ? parts[0] : tf.concat(parts, 0));
  }
  const parts = layout.sources.map((key, i) => tf.tensor3d(host(key).data, [groups, inFeatures / groups, layout.outFeatures[i] / groups]));
  return parts.length === 1 ? parts[0] : tf.concat(parts, 2);
}

function linearBias(layout: Extract<WeightLayout, { kind: "linear_bias" }>, host: (key: string) => HostTensor): tf.Tensor {
  const { groups } = layout;
  // A segment without bias contributes zeros, so fused segments share one add.
  const parts = layout.sources.map((key, i) => {
    const out = layout.outFeatures[i];
    const data = key === null ? new Float32Array(out) : host(key).data;
    return tf.tensor2d(data, [groups, out / groups]);
  });
  const joined = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  // Groups 1: a flat [Σout]; groups G: [G, 1, Σout/G], broadcast over the rows of each group's matmul.
  return groups === 1 ? tf.reshape(joined, [-1]) : tf.expandDims(joined, 1);
}
