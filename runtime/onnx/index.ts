export { createOnnxExecutor, type OnnxExecutor, type OnnxExecutorOptions } from "./executor.js";
export { createOrtSession, loadOrt, type OrtSession, type OrtSessionOptions } from "./session.js";
export { validateOnnxFile } from "./validate.js";
