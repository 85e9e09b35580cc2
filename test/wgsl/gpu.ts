/**
 * The local WebGPU adapters the WGSL tests run on, each named in the test
 * titles, and one shared Dawn device per adapter per test file. CI installs
 * every one of them: there a missing adapter is a broken install step, so its
 * tests run and fail instead of being skipped.
 */
import { existsSync } from "node:fs";
import { createDevice, hasWebGpuAdapter, resolveBackend, type AdapterOptions, type WebGpuBackend } from "../../runtime/webgpu/index.js";

const CI = process.env.CI === "true";
/** Debian's chromium ships SwiftShader's Vulkan driver; Dawn loads it through the system Vulkan loader (libvulkan1). */
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

export interface LocalAdapter {
  /** How test titles name it. */
  name: string;
  backend: WebGpuBackend;
  /** Whether its tests run: it is present, or CI must have it. */
  run: boolean;
  /** Appended to the test title when skipped. */
  skipNote: string;
  /** Whether it has `timestamp-query` (measured: Dawn's OpenGL backend never has it). */
  timestamps: boolean;
}

async function probe(name: string, backend: WebGpuBackend, timestamps: boolean, install: string): Promise<LocalAdapter> {
  const present = await hasWebGpuAdapter({ backend });
  return { name, backend, timestamps, run: present || CI, skipNote: present ? "" : ` (skipped: no ${name} adapter here; ${install})` };
}

export const LOCAL_ADAPTERS: readonly LocalAdapter[] = [
  await probe("llvmpipe GL", "opengl", false, "apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"),
  await probe("SwiftShader Vulkan", "vulkan", true, "apt-get install libvulkan1 chromium"),
];

// The default adapter (CONVSPEC_WEBGPU_BACKEND, else OpenGL) for the tests that need just one.
export const noAdapter = !(await hasWebGpuAdapter()) && !CI;
export const NO_ADAPTER_REASON = "no WebGPU adapter here (install Mesa: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)";

const devices = new Map<WebGpuBackend, Promise<GPUDevice>>();
/** One device per backend for the test file, with timestamp queries where the adapter has them. */
export function sharedDevice(backend: AdapterOptions["backend"] = "default"): Promise<GPUDevice> {
  const resolved = resolveBackend(backend);
  let device = devices.get(resolved);
  if (!device) {
    device = createDevice({ backend: resolved, features: ["timestamp-query"] });
    devices.set(resolved, device);
  }
  return device;
}
