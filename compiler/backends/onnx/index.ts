/** The ONNX target, compile side: optimised IR -> ModelProto + weight layout (runtime/onnx attaches the weights). */
export { weightBytes, type InitializerLayout, type InitializerSource, type OnnxArtifact } from "./artifact.js";
export { compileOnnx } from "./compile.js";
export { CONTRIB_OPS, DEFAULT_ONNX_OPS, ORT_CONTRIB, STANDARD_ONLY, describeOnnxOps, parseOnnxOps, type ContribOp, type OnnxCompileOptions } from "./options.js";
export { printOnnx } from "./print.js";
export { onnxSchema, type OnnxTypes } from "./proto.js";
export { onnxTarget } from "./target.js";
