/**
 * Builds the weight layouts a tfjs plan describes (compiler/backends/tfjs/
 * weight-layout.ts), once per executor. The layout is computed on the host
 * and uploaded once: each tensor owns data of its final shape (the wasm
 * backend checks a bias's rank on its data record, which a reshape view would
 * share), and no backend is asked to read back (tfjs-webgpu cannot read
 * synchronously in Node).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertNever } from "../../compiler/ir/types.js";
import type { WeightLayout } from "../../compiler/backends/tfjs/weight-layout.js";
import type { HostTensor, WeightMap } from "../executor.js";

/** Builds one layout on the current tfjs backend. The caller owns the returned tensor. */
export function buildWeight(layout: WeightLayout, weights: WeightMap): tf.Tensor {
  const { data, shape } = layWeight(layout, weights);
  return tf.tensor(data, shape, "float32");
}

function layWeight(layout: WeightLayout, weights: WeightMap): HostTensor {
  const host = (key: string): HostTensor => {
    const tensor = weights.get(key);
    if (!tensor) throw new Error(`tfjs plan: weight '${key}' is not in the weight map`);
    return tensor;
  };
  switch (layout.kind) {
    case "as_is": {
      const t = host(layout.source);
      return { data: t.data, shape: t.shape };
    }
    case "linear_kernel":
      return layout.groups === 1 ? plainKernel(layout, host) : groupedKernel(layout, host);
    case "linear_bias":
      return linearBias(layout, host);
    case "depthwise_filter": {
      // [H, 1, K] -> [1, K, H, 1]: filter[t][c] = w[c][t].
      const t = host(layout.source);
      const channels = t.shape[0];
      const K = layout.kernelSize;
      const data = new Float32Array(channels * K);
      for (let c = 0; c < channels; c++) for (let tap = 0; tap < K; tap++) data[tap * channels + c] = t.data[c * K + tap];
      return { data, shape: [1, K, channels, 1] };
    }
    default:
      return assertNever(layout, "weight layout");
  }
}

type Layout<K extends WeightLayout["kind"]> = Extract<WeightLayout, { kind: K }>;

/** Which segment holds output column `column`, and the column within it. */
function segmentAt(outFeatures: readonly number[], column: number): [number, number] {
  let start = 0;
  for (let s = 0; s < outFeatures.length; s++) {
    if (column < start + outFeatures[s]) return [s, column - start];
    start += outFeatures[s];
  }
  throw new Error(`tfjs plan: column ${column} is past the linear's ${start} outputs`);
}

/** HF [out, in] per segment -> columns [start, start+size) of the transposed concatenation: [in, size]. */
function plainKernel(layout: Layout<"linear_kernel">, host: (key: string) => HostTensor): HostTensor {
  const { inFeatures: rows, start, size, scale } = layout;
  const sources = layout.sources.map(host);
  const data = new Float32Array(rows * size);
  for (let c = 0; c < size; c++) {
    const [s, j] = segmentAt(layout.outFeatures, start + c);
    const w = sources[s].data;
    for (let i = 0; i < rows; i++) data[i * size + c] = w[j * rows + i] * scale;
  }
  return { data, shape: [rows, size] };
}

/** [G, in/G, out_s/G] per segment -> [G, in/G, size] (columns per group). */
function groupedKernel(layout: Layout<"linear_kernel">, host: (key: string) => HostTensor): HostTensor {
  const { groups: G, start, size, scale } = layout;
  const rows = layout.inFeatures / G;
  const perGroup = layout.outFeatures.map((n) => n / G);
  const sources = layout.sources.map(host);
  const data = new Float32Array(G * rows * size);
  for (let c = 0; c < size; c++) {
    const [s, j] = segmentAt(perGroup, start + c);
    const w = sources[s].data;
    const width = perGroup[s];
    for (let g = 0; g < G; g++) for (let i = 0; i < rows; i++) data[(g * rows + i) * size + c] = w[(g * rows + i) * width + j] * scale;
  }
  return { data, shape: [G, rows, size] };
}

/** Segment biases (zeros where a segment has none) concatenated per group, columns [start, start+size). */
function linearBias(layout: Layout<"linear_bias">, host: (key: string) => HostTensor): HostTensor {
  const { groups: G, start, size, scale } = layout;
  const perGroup = layout.outFeatures.map((n) => n / G);
  const sources = layout.sources.map((key) => (key === null ? null : host(key).data));
  const data = new Float32Array(G * size);
  for (let c = 0; c < size; c++) {
    const [s, j] = segmentAt(perGroup, start + c);
    const b = sources[s];
    if (b !== null) for (let g = 0; g < G; g++) data[g * size + c] = b[g * perGroup[s] + j] * scale;
  }
  // Groups 1: a flat [size]; groups G: [G, 1, size], broadcast over the rows of each group's matmul.
  return { data, shape: G === 1 ? [size] : [G, 1, size] };
}
