/**
 * A GPUDevice in the browser (`navigator.gpu`) or in Node (Dawn through the
 * `webgpu` package; on a machine without a GPU, Dawn's OpenGL backend over
 * Mesa llvmpipe in compatibility mode). The device gets the adapter's full
 * limits: WebGPU's defaults are lower than most adapters offer.
 */
import { UserError } from "../../compiler/errors.js";

const NO_ADAPTER_HELP =
  "no WebGPU adapter found. In Node, convspec uses Dawn (npm package 'webgpu'); on a machine without a GPU install Mesa's " +
  "software drivers (Debian: apt-get install -y libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri), or run on a machine with a GPU " +
  "and its Vulkan/Metal/D3D12 drivers, or use --target tfjs";

let nodeGpu: Promise<GPU> | null = null;

/** Dawn for Node, created once per process (it owns native threads). */
async function nodeWebGpu(): Promise<GPU> {
  nodeGpu ??= (async () => {
    process.env.EGL_PLATFORM ??= "surfaceless";
    let mod: typeof import("webgpu");
    try {
      mod = await import("webgpu");
    } catch (e) {
      throw new UserError(`cannot load the 'webgpu' package (Dawn for Node): ${(e as Error).message}; run npm install`);
    }
    Object.assign(globalThis, mod.globals);
    // Prefer a real GPU (Dawn's default backend); fall back to OpenGL (Mesa) when that finds nothing.
    const backend = process.env.CONVSPEC_WEBGPU_BACKEND;
    return mod.create(backend ? [`backend=${backend}`] : ["backend=opengl"]);
  })();
  return nodeGpu;
}

export async function requestAdapter(): Promise<GPUAdapter> {
  const gpu = typeof navigator !== "undefined" && navigator.gpu ? navigator.gpu : await nodeWebGpu();
  let adapter: GPUAdapter | null = null;
  try {
    adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) ?? (await gpu.requestAdapter({ featureLevel: "compatibility" }));
  } catch {
    adapter = null;
  }
  if (!adapter) throw new UserError(NO_ADAPTER_HELP);
  return adapter;
}

/** Whether any adapter can be created here (tests skip GPU cases only when this is false). */
export async function hasWebGpuAdapter(): Promise<boolean> {
  try {
    await requestAdapter();
    return true;
  } catch {
    return false;
  }
}

const LIMITS = [
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
] as const;

export async function createDevice(): Promise<GPUDevice> {
  const adapter = await requestAdapter();
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) requiredLimits[name] = adapter.limits[name];
  // Optional features the kernels can use when present (plans record which they need).
  const requiredFeatures = ["subgroups"].filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  device.addEventListener("uncapturederror", (e) => {
    console.error(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message}`);
  });
  return device;
}
