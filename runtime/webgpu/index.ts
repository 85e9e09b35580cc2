/** The WebGPU runtime: Dawn in Node, navigator.gpu in browsers. */
export { createWebGpuExecutor, type WebGpuExecutor, type WebGpuExecutorOptions } from "./executor.js";
export { createDevice, requestAdapter, hasWebGpuAdapter } from "./device.js";
export { createGpuContext, createPlanRunner, disposeGpuContext, PlanError, type GpuContext, type PlanRunner, type PlanInputs, type PlanTensor } from "./plan-runner.js";
