/**
 * The WebGPU device a command runs the WGSL target on, created before
 * compiling so the kernels may use its features and are tuned for its kind
 * (runtime/webgpu/device.ts `wgslOptionsFor`). Other targets get none, and
 * Dawn is not even loaded for them.
 */
import type { TargetName, TargetOptions } from "../compiler/backends/index.js";

export interface TargetDevice {
  device?: GPUDevice;
  /** Merge into the compile request's target options. */
  options: Pick<TargetOptions, "features" | "flags">;
}

export async function deviceForTarget(target: TargetName): Promise<TargetDevice> {
  if (target !== "wgsl") return { options: {} };
  const { createDevice, wgslOptionsFor } = await import("../runtime/webgpu/device.js");
  const device = await createDevice();
  return { device, options: wgslOptionsFor(device) };
}
