/** The ONNX target, runtime side: weights attached to an artifact, written to a file or run on onnxruntime-node. */
export { encodeOnnx, usesExternalData, EMBEDDED_WEIGHTS_LIMIT, type EncodedOnnx, type ExternalDataMode } from "./encode.js";
export { createOnnxExecutor, type OnnxExecutor, type OnnxExecutorOptions } from "./executor.js";
export { createOrtSession, loadOrt, type OrtSession, type OrtSessionOptions } from "./session.js";
export { validateOnnxFile } from "./validate.js";
export { writeOnnx, type WriteOnnxOptions, type WrittenOnnx } from "./write.js";
