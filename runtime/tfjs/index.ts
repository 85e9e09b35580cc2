export { createTfjsExecutor, type TfjsExecutor } from "./executor.js";
export { selectBackend, useBackend, onBackend, exclusive, TFJS_BACKENDS, type TfjsBackendName } from "./backend.js";
