/**
 * Builds each weight initializer's data from the checkpoint tensors, as its
 * layout says (compiler/backends/onnx/artifact.ts). Only stacking and
 * concatenation: no layout transposes a weight.
 */
import type { InitializerLayout, InitializerSource } from "../../compiler/backends/onnx/index.js";
import type { HostTensor, WeightMap } from "../executor.js";

export function initializerData(layout: InitializerLayout, weights: WeightMap): Float32Array {
  const host = (key: string): HostTensor => {
    const tensor = weights.get(key);
    if (!tensor) throw new Error(`onnx: weight '${key}' is not in the weight map`);
    return tensor;
  };
  const { source } = layout;
  switch (source.kind) {
    case "as_is":
      return host(source.key).data;
    case "linear_kernel":
      return source.groups === 1 ? stackedKernel(source, host) : groupedKernel(source, host);
    case "linear_bias":
      return concatenatedBias(source, host);
  }
}

/** The segments' `[out_i, in]` rows stacked: `[Σout, in]`. */
function stackedKernel(source: Extract<InitializerSource, { kind: "linear_kernel" }>, host: (key: string) => HostTensor): Float32Array {
  if (source.keys.length === 1) return host(source.keys[0]).data;
  const total = source.outFeatures.reduce((s, o) => s + o, 0);
  const out = new Float32Array(total * source.inFeatures);
  let offset = 0;
  for (const key of source.keys) {
    const w = host(key).data;
    out.set(w, offset);
    offset += w.length;
  }
  return out;
}

function groupedKernel(source: Extract<InitializerSource, { kind: "linear_kernel" }>, host: (key: string) => HostTensor): Float32Array {
  const { groups: G, inFeatures } = source;
  if (source.keys.length === 1) return host(source.keys[0]).data;
  const k = inFeatures / G;
  const widths = source.outFeatures.map((o) => o / G);
  const total = widths.reduce((s, w) => s + w, 0);
  const out = new Float32Array(G * k * total);
  let column = 0;
  source.keys.forEach((key, s) => {
    const w = host(key).data;
    const width = widths[s];
    for (let row = 0; row < G * k; row++) out.set(w.subarray(row * width, (row + 1) * width), row * total + column);
    column += width;
  });
  return out;
}

function concatenatedBias(source: Extract<InitializerSource, { kind: "linear_bias" }>, host: (key: string) => HostTensor): Float32Array {
  const { groups: G } = source;
  if (source.keys.length === 1 && source.keys[0] !== null) return host(source.keys[0]).data;
  const widths = source.outFeatures.map((o) => o / G);
  const total = widths.reduce((s, w) => s + w, 0);
  const out = new Float32Array(G * total);
  let column = 0;
  source.keys.forEach((key, s) => {
    const width = widths[s];
    if (key !== null) {
      const b = host(key).data;
      for (let g = 0; g < G; g++) out.set(b.subarray(g * width, (g + 1) * width), g * total + column);
    }
    column += width;
  });
  return out;
}
