/**
 * What `compileOnnx` produces: the ONNX model without weight data, plus the
 * layout of every weight initializer. Weights are attached when the model is
 * written or a session is created (runtime/onnx), so one compiled artifact
 * serves any checkpoint of the same spec.
 */
import type { InputLimits } from "../../ir/types.js";
import type { OnnxCompileOptions } from "./options.js";
import type { OnnxTypes } from "./proto.js";

/**
 * How an initializer's data comes from the HF-shaped checkpoint tensors:
 * - as_is: the tensor itself (tables, LayerNorm gamma/beta, the depthwise
 *   filter `[H,1,K]` = a grouped Conv's weight, a single linear's `[out, in]`
 *   weight and bias: Gemm with transB reads HF's layout);
 * - linear_kernel, groups 1: the segments' `[out_i, in]` stacked: `[Σout, in]`;
 *   groups G: `[G, in/G, out_i/G]` concatenated on the last axis;
 * - linear_bias: segment biases concatenated per group (zeros for a segment without).
 */
export type InitializerSource =
  | { kind: "as_is"; key: string }
  | { kind: "linear_kernel"; keys: string[]; groups: number; inFeatures: number; outFeatures: number[] }
  | { kind: "linear_bias"; keys: (string | null)[]; groups: number; outFeatures: number[] };

export interface InitializerLayout {
  name: string;
  dims: number[];
  source: InitializerSource;
}

export interface OnnxArtifact {
  /** Model name (the spec's). */
  name: string;
  /** The ModelProto; its graph lists no weight initializers (small constants are in it). */
  model: OnnxTypes.IModelProto;
  /** Weight initializers, in the order they are appended to the graph. */
  weights: InitializerLayout[];
  /** Graph output name (the `run` contract's) -> IR value id it is taken from. */
  outputs: Record<string, string>;
  /** What the inputs must respect (checked before every run). */
  limits: InputLimits;
  options: OnnxCompileOptions;
}

/** Bytes of float32 weight data the artifact's initializers hold. */
export function weightBytes(artifact: OnnxArtifact): number {
  return artifact.weights.reduce((sum, w) => sum + 4 * w.dims.reduce((a, b) => a * b, 1), 0);
}
