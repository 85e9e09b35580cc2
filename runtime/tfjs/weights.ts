/**
 * Builds the weight layouts a tfjs plan describes (compiler/backends/tfjs/
 * weight-layout.ts) as tensors on the current backend, once per executor.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertNever } from "../../compiler/ir/types.js";
import type { WeightLayout } from "../../compiler/backends/tfjs/weight-layout.js";
import type { HostTensor, WeightMap } from "../executor.js";

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
      default:
        return assertNever(layout, "weight layout");
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
