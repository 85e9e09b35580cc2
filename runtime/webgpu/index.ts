/** The WebGPU runtime: Dawn in Node, navigator.gpu in browsers. */
export { createWebGpuExecutor, type WebGpuExecutor, type WebGpuExecutorOptions } from "./executor.js";
export {
  createDevice, requestAdapter, hasWebGpuAdapter, describeAdapter, describeDevice, resolveBackend, WEBGPU_BACKENDS, isSoftwareAdapter, wgslOptionsFor,
  type WebGpuBackend, type AdapterOptions, type DeviceOptions,
} from "./device.js";
export {
  createGpuContext, createPlanRunner, disposeGpuContext, PlanError,
  type GpuContext, type PlanRunner, type PlanInputs, type PlanTensor, type PlanProfile, type ProfileLevel,
} from "./plan-runner.js";
