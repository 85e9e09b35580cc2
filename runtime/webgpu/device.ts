/**
 * A GPUDevice in the browser (`navigator.gpu`) or in Node (Dawn through the
 * `webgpu` package). In Node the Dawn backend is an explicit choice:
 *  - "vulkan": a GPU's Vulkan driver, or a software one (SwiftShader from
 *    Debian's chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json);
 *    a core adapter, with `subgroups` and `timestamp-query` where the driver has them;
 *  - "opengl": OpenGL ES through EGL (Mesa llvmpipe on a machine without a GPU),
 *    compatibility level;
 *  - "default": `CONVSPEC_WEBGPU_BACKEND` when set, else "opengl".
 * The device gets the adapter's full limits for what convspec binds: WebGPU's
 * defaults are lower than most adapters offer.
 */
import type { WgslFlags } from "../../compiler/backends/wgsl/flags.js";
import { UserError } from "../../compiler/errors.js";

export type WebGpuBackend = "vulkan" | "opengl";
export const WEBGPU_BACKENDS: readonly WebGpuBackend[] = ["vulkan", "opengl"];

export interface AdapterOptions {
  /** Dawn backend in Node (ignored in browsers); default: `CONVSPEC_WEBGPU_BACKEND`, else "opengl". */
  backend?: WebGpuBackend | "default";
}

export interface DeviceOptions extends AdapterOptions {
  /** Optional features to enable when the adapter has them (e.g. "timestamp-query" for profiling). */
  features?: readonly GPUFeatureName[];
}

const HELP: Record<WebGpuBackend | "browser", string> = {
  opengl:
    "Dawn's OpenGL backend found no adapter. On a machine without a GPU install Mesa's software drivers " +
    "(Debian: apt-get install -y libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)",
  vulkan:
    "Dawn's Vulkan backend found no adapter. It needs the Vulkan loader (Debian: apt-get install -y libvulkan1) and a driver: " +
    "the GPU's, or SwiftShader from Debian's chromium (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)",
  browser: "this browser exposes navigator.gpu but gave no adapter (is WebGPU enabled?)",
};

/** The backend an option names, `CONVSPEC_WEBGPU_BACKEND` deciding "default". */
export function resolveBackend(backend: AdapterOptions["backend"] = "default"): WebGpuBackend {
  if (backend !== "default") return backend;
  const fromEnv = typeof process !== "undefined" ? process.env.CONVSPEC_WEBGPU_BACKEND : undefined;
  if (!fromEnv) return "opengl";
  if (!(WEBGPU_BACKENDS as readonly string[]).includes(fromEnv)) {
    throw new UserError(`CONVSPEC_WEBGPU_BACKEND='${fromEnv}' is not a backend convspec knows; use ${WEBGPU_BACKENDS.join(" or ")}`);
  }
  return fromEnv as WebGpuBackend;
}

// One Dawn instance per backend for the whole process. Held here on purpose:
// if the object create() returns is garbage-collected, pending mapAsync calls
// never settle (or the process aborts).
const dawnInstances = new Map<WebGpuBackend, Promise<GPU>>();

async function dawn(backend: WebGpuBackend): Promise<GPU> {
  let gpu = dawnInstances.get(backend);
  if (!gpu) {
    gpu = (async () => {
      if (backend === "opengl") process.env.EGL_PLATFORM ??= "surfaceless";
      let mod: typeof import("webgpu");
      try {
        mod = await import("webgpu");
      } catch (e) {
        throw new UserError(`cannot load the 'webgpu' package (Dawn for Node): ${(e as Error).message}; run npm install`);
      }
      Object.assign(globalThis, mod.globals);
      // Timestamps at full resolution: quantisation is a browser fingerprinting defence, not needed here.
      return mod.create([`backend=${backend}`, "disable-dawn-features=timestamp_quantization"]);
    })();
    dawnInstances.set(backend, gpu);
  }
  return gpu;
}

const inBrowser = (): boolean => typeof navigator !== "undefined" && navigator.gpu !== undefined;

// An adapter found but not yet turned into a device, kept so the next createDevice
// uses it: Dawn logs its limit warnings once per adapter request on OpenGL.
const unusedAdapters = new Map<string, Promise<GPUAdapter>>();

async function findAdapter(backend: WebGpuBackend): Promise<GPUAdapter> {
  const gpu = inBrowser() ? navigator.gpu : await dawn(backend);
  let adapter: GPUAdapter | null = null;
  try {
    adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) ?? (await gpu.requestAdapter({ featureLevel: "compatibility" }));
  } catch {
    adapter = null;
  }
  if (!adapter) throw new UserError(`no WebGPU adapter found: ${HELP[inBrowser() ? "browser" : backend]}; or use --target tfjs`);
  return adapter;
}

export async function requestAdapter(opts: AdapterOptions = {}): Promise<GPUAdapter> {
  const backend = resolveBackend(opts.backend);
  const key = inBrowser() ? "browser" : backend;
  let adapter = unusedAdapters.get(key);
  if (!adapter) {
    adapter = findAdapter(backend);
    unusedAdapters.set(key, adapter);
    adapter.catch(() => unusedAdapters.delete(key));
  }
  return adapter;
}

/** Whether an adapter can be created here with these options (tests skip GPU cases only when this is false). */
export async function hasWebGpuAdapter(opts: AdapterOptions = {}): Promise<boolean> {
  try {
    await requestAdapter(opts);
    return true;
  } catch {
    return false;
  }
}

/** "vulkan: google swiftshader (SwiftShader driver 5.0.0)": backend, then what the adapter says it is. */
export function describeAdapter(info: GPUAdapterInfo, backend: WebGpuBackend | "browser"): string {
  const what = [info.vendor, info.architecture].filter(Boolean).join(" ") || (info.device ?? "").replace(/-+$/, "") || "unknown adapter";
  return `${backend}: ${what}${info.description ? ` (${info.description})` : ""}`;
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

const descriptions = new WeakMap<GPUDevice, string>();

/** What `describeAdapter` said about the adapter behind a device this module created. */
export function describeDevice(device: GPUDevice): string {
  return descriptions.get(device) ?? "unknown adapter";
}

export async function createDevice(opts: DeviceOptions = {}): Promise<GPUDevice> {
  const backend = resolveBackend(opts.backend);
  const adapter = await requestAdapter(opts);
  // An adapter yields one device: the next createDevice requests a fresh one.
  unusedAdapters.delete(inBrowser() ? "browser" : backend);
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) requiredLimits[name] = adapter.limits[name];
  // Optional features the kernels can use when present (plans record which they need), and the caller's.
  const wanted = new Set<string>(["subgroups", ...(opts.features ?? [])]);
  const requiredFeatures = [...wanted].filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const descriptor = { requiredLimits, requiredFeatures };
  // A caller may have taken a device from the adapter requestAdapter() handed out: then ask for a fresh one.
  const device = await adapter.requestDevice(descriptor).catch(async () => (await findAdapter(backend)).requestDevice(descriptor));
  descriptions.set(device, describeAdapter(adapter.info, inBrowser() ? "browser" : backend));
  device.addEventListener("uncapturederror", (e) => {
    console.error(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message}`);
  });
  return device;
}

/** Software rasterisers that expose WebGPU adapters (Mesa llvmpipe/lavapipe/softpipe, SwiftShader, WARP). */
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/** Whether an adapter is a CPU rasteriser rather than a GPU. */
export function isSoftwareAdapter(info: GPUAdapterInfo, isFallbackAdapter = false): boolean {
  const fallback = isFallbackAdapter || (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return fallback || SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].join(" "));
}

/**
 * What the WGSL target should compile for this device: the optional
 * features it may use, and tuning for its kind. A software rasteriser runs
 * workgroups on a few CPU threads, so a grid only needs that many
 * workgroups (bigger tiles re-read less), and the whole-row matmul +
 * LayerNorm kernel (which re-reads its weights per row tile) loses to a
 * tiled matmul and a norm: measured on llvmpipe, conv-bert-small B1 L128
 * 2.65 s this way against 5.2 s with the GPU defaults (conv-bert-base, new
 * vs pre-tuning kernels: docs/bench-gpu-local.md).
 */
export function wgslOptionsFor(device: GPUDevice): { features: string[]; flags: Partial<WgslFlags> } {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const features = [...device.features];
  if (!info || !isSoftwareAdapter(info)) return { features, flags: {} };
  const threads = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  return { features, flags: { matmulTargetWorkgroups: 2 * threads, normMatmulMaxColumns: 0 } };
}
