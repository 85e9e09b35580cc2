/**
 * TensorFlow.js's WebGPU backend (@tensorflow/tfjs-backend-webgpu) on a
 * GPUDevice that convspec (or its caller) created, so it runs where tfjs
 * alone cannot: in Node on Dawn (whose OpenGL adapter on Mesa needs
 * `featureLevel: "compatibility"`, which tfjs never asks for), on an adapter
 * the caller chose, and beside convspec's own WGSL on the same device.
 *
 * The package checks only that `navigator.gpu` exists (isWebGPUSupported, in
 * its module body and in the WebGPUBackend constructor). Node has no
 * navigator, so the check is met for the duration of the constructor call
 * and the global is put back: a lasting navigator.gpu would make other code
 * (runtime/webgpu/device.ts) believe it runs in a browser.
 */
import * as tf from "@tensorflow/tfjs-core";

export const TFJS_WEBGPU_BACKEND = "webgpu";

type WebGpuModule = typeof import("@tensorflow/tfjs-backend-webgpu");
let backendModule: Promise<WebGpuModule> | null = null;
/** The adapter behind the device of the last registration (null: none yet). */
let registeredInfo: GPUAdapterInfo | null = null;

/** The package, imported once (it registers its kernels; in a browser also its own factory, which we replace). */
function loadBackendModule(): Promise<WebGpuModule> {
  backendModule ??= import("@tensorflow/tfjs-backend-webgpu");
  return backendModule;
}

/** Runs `construct` where `navigator.gpu` is defined, restoring the global afterwards. */
function withNavigatorGpu<T>(construct: () => T): T {
  const global = globalThis as { navigator?: { gpu?: unknown } };
  if (global.navigator?.gpu) return construct();
  // Only truthiness is checked; the factory that would call navigator.gpu.requestAdapter is replaced below.
  const marker = { note: "convspec: set only while tfjs's WebGPUBackend is constructed" };
  if (global.navigator === undefined) {
    Object.defineProperty(globalThis, "navigator", { value: { gpu: marker }, configurable: true, writable: true });
    try {
      return construct();
    } finally {
      delete global.navigator;
    }
  }
  // Node 21+ has a navigator without gpu.
  Object.defineProperty(global.navigator, "gpu", { value: marker, configurable: true });
  try {
    return construct();
  } finally {
    delete global.navigator.gpu;
  }
}

/**
 * Registers tfjs's "webgpu" backend on `device`, replacing any factory
 * registered before (the package's own, or an earlier call's), and returns
 * once tfjs can `setBackend("webgpu")`. The caller owns `device`; tfjs never
 * destroys it. `adapterInfo` tunes a few kernels (Intel generations); pass
 * the adapter's `info` (or `device.adapterInfo`).
 *
 * For anything that holds its own GPUDevice (the browser example, the device
 * benchmark): `await createTfjsWebGpuBackend(device, adapter.info); await tf.setBackend("webgpu")`,
 * or build the executor with a plan compiled for backend "webgpu".
 */
export async function createTfjsWebGpuBackend(device: GPUDevice, adapterInfo?: GPUAdapterInfo): Promise<void> {
  const { WebGPUBackend } = await loadBackendModule();
  if (tf.findBackend(TFJS_WEBGPU_BACKEND) !== null || tf.engine().registryFactory[TFJS_WEBGPU_BACKEND] !== undefined) {
    tf.removeBackend(TFJS_WEBGPU_BACKEND);
  }
  const info = adapterInfo ?? (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  tf.registerBackend(TFJS_WEBGPU_BACKEND, () => withNavigatorGpu(() => new WebGPUBackend(device, info)));
  registeredInfo = info ?? ({ vendor: "", architecture: "", device: "", description: "" } as GPUAdapterInfo);
}

/** The adapter of the device tfjs's webgpu backend was registered on here, or null when it was not. */
export function registeredWebGpuAdapter(): GPUAdapterInfo | null {
  return registeredInfo;
}


/** "llvmpipe-llvm-15 (OpenGL version 4.5 Mesa 22.3.6)": how notes name an adapter. */
export function adapterName(info: GPUAdapterInfo): string {
  const what = [info.vendor, info.architecture].filter(Boolean).join(" ") || info.device.replace(/-+$/, "") || "unknown adapter";
  return info.description ? `${what} (${info.description})` : what;
}
