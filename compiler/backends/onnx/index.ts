/** The ONNX target, compile side: IR -> ModelProto + weight layout; writing it with weights. */
export type { OnnxArtifact } from "./artifact.js";
export { compileOnnx } from "./compile.js";
export { encodeOnnx, usesExternalData, weightBytes, EMBEDDED_WEIGHTS_LIMIT, type EncodedOnnx, type ExternalDataMode } from "./encode.js";
export { CONTRIB_OPS, ORT_DEFAULT_CONTRIB, STANDARD_ONLY, describeOnnxOps, parseOnnxOps, type ContribOp, type OnnxCompileOptions } from "./options.js";
export { printOnnx } from "./print.js";
export { writeOnnx, type WriteOnnxOptions, type WrittenOnnx } from "./write.js";
