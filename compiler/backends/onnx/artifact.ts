/**
 * What `compileOnnx` produces: the ONNX model without weight data, plus the
 * layout of every weight initializer. Weights are attached when the model is
 * written (`writeOnnx`) or a session is created (runtime/onnx), so one
 * compiled artifact serves any checkpoint of the same spec.
 */
import type { InputLimits } from "../../../runtime/inputs.js";
import type { InitializerLayout } from "./initializers.js";
import type { OnnxCompileOptions } from "./options.js";
import type { OnnxTypes } from "./proto.js";

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
