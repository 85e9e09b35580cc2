/** One Dawn device shared by a test file, and the skip condition for machines with no adapter at all. */
import { createDevice, hasWebGpuAdapter } from "../../runtime/webgpu/index.js";

// CI installs Mesa: there a missing adapter is a broken install step, so the tests run and fail.
export const noAdapter = !(await hasWebGpuAdapter()) && process.env.CI !== "true";
export const NO_ADAPTER_REASON = "no WebGPU adapter here (install Mesa: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)";

let device: Promise<GPUDevice> | null = null;
export function sharedDevice(): Promise<GPUDevice> {
  device ??= createDevice();
  return device;
}
