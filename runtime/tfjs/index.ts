export { createTfjsExecutor, type TfjsExecutor, type TfjsExecutorOptions } from "./executor.js";
export { selectBackend, useBackend, TFJS_BACKENDS, type TfjsBackendName } from "./backend.js";
