export { createTfjsExecutor, type TfjsExecutor } from "./executor.js";
export { selectBackend, useBackend, onBackend, exclusive, describeChoice, TFJS_BACKENDS, type TfjsBackendName, type BackendChoice } from "./backend.js";
export { createTfjsWebGpuBackend } from "./webgpu.js";
