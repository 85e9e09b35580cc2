/**
 * Picks the tfjs backend. `auto` tries, in order: `tensorflow` (libtensorflow
 * with CUDA, through the optional @tensorflow/tfjs-node-gpu), `webgpu`
 * (tfjs-backend-webgpu on the WebGPU adapter runtime/webgpu/device.ts finds,
 * only when that adapter is a GPU, not a software renderer), `wasm` (XNNPACK),
 * `cpu` (plain JS). An explicit choice that cannot load is a UserError; `auto`
 * says what it skipped and why (BackendChoice), for `run` to print.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { TFJS_BACKENDS, type TfjsBackendName } from "../../compiler/backends/tfjs/plan.js";
import { UserError } from "../../compiler/errors.js";
import { BackendUnavailable, loadTensorflow } from "./tensorflow.js";
import { isSoftwareAdapter } from "../webgpu/device.js";
import { adapterName, createTfjsWebGpuBackend, registeredWebGpuAdapter } from "./webgpu.js";

export { TFJS_BACKENDS, type TfjsBackendName };

/** Which backend runs, and, when `auto` picked it, what was tried before and why it was passed over. */
export interface BackendChoice {
  backend: TfjsBackendName;
  auto: boolean;
  skipped: { backend: TfjsBackendName; why: string }[];
}

/** One line for the user: "tfjs backend wasm (auto; tensorflow: ...; webgpu: ...)". */
export function describeChoice(choice: BackendChoice): string {
  if (!choice.auto) return `tfjs backend ${choice.backend}`;
  const skipped = choice.skipped.map((s) => `${s.backend}: ${s.why}`).join("; ");
  return `tfjs backend ${choice.backend} (chosen by auto${skipped ? `; skipped ${skipped}` : ""})`;
}

/**
 * tfjs has ONE active backend per process, so two executors on different
 * backends must not interleave: every use of tfjs (weight upload, a forward)
 * runs through this queue, which switches to the executor's backend first.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` when every earlier use of tfjs has finished. */
export function exclusive<T>(work: () => Promise<T> | T): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

/** Runs `work` exclusively, on backend `name`. */
export function onBackend<T>(name: TfjsBackendName, work: () => Promise<T> | T): Promise<T> {
  return exclusive(async () => {
    if (tf.getBackend() !== name) await useBackend(name);
    return work();
  });
}

/** Makes `name` the active tfjs backend, loading it on first use. */
export async function useBackend(name: TfjsBackendName): Promise<void> {
  const problem = await tryBackend(name, false);
  if (problem !== null) throw new UserError(`tfjs backend '${name}' is not available: ${problem.message.split("\n")[0]}`);
}

/** The first backend in preference order that loads; `requested` forces one. */
export async function selectBackend(requested?: TfjsBackendName): Promise<BackendChoice> {
  if (requested !== undefined) {
    if (!(TFJS_BACKENDS as readonly string[]).includes(requested)) {
      throw new UserError(`unknown tfjs backend '${String(requested)}' (expected ${TFJS_BACKENDS.join(", ")})`);
    }
    await useBackend(requested);
    return { backend: requested, auto: false, skipped: [] };
  }
  const skipped: BackendChoice["skipped"] = [];
  for (const backend of TFJS_BACKENDS) {
    const problem = await tryBackend(backend, true);
    if (problem === null) return { backend, auto: true, skipped };
    skipped.push({ backend, why: problem instanceof BackendUnavailable ? problem.short : problem.message.split("\n")[0] });
  }
  throw new UserError(`no tfjs backend could be initialised (${skipped.map((s) => `${s.backend}: ${s.why}`).join("; ")})`);
}

/** Activates `name`; returns null on success or why it failed. With `auto`, a software WebGPU adapter counts as a failure. */
async function tryBackend(name: TfjsBackendName, auto: boolean): Promise<Error | null> {
  try {
    await register(name, auto);
    const ok = await tf.setBackend(name);
    if (!ok) return new Error("it failed to initialise");
    await tf.ready();
    if (name === "cpu") silenceNodeAdvice();
    return null;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

async function register(name: TfjsBackendName, auto: boolean): Promise<void> {
  switch (name) {
    case "tensorflow":
      if (tf.findBackend("tensorflow") === null && tf.engine().registryFactory.tensorflow === undefined) await loadTensorflow();
      return;
    case "webgpu":
      return registerWebGpu(auto);
    case "wasm":
      return registerWasm();
    case "cpu":
      return;
  }
}

/**
 * The cpu backend prints "install tfjs-node" advice on its first upload in
 * Node. convspec already offers that path (`--backend tensorflow`), and the
 * banner would land in every CLI run's stderr, so mark the backend as used.
 */
function silenceNodeAdvice(): void {
  const cpu = tf.findBackend("cpu") as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

let wasmRegistered = false;
async function registerWasm(): Promise<void> {
  if (wasmRegistered) return;
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  if (typeof process !== "undefined" && process.versions?.node) {
    // In Node the .wasm binaries are read from disk: point tfjs at the package's dist folder.
    const { createRequire } = await import("node:module");
    const { dirname, join } = await import("node:path");
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  }
  wasmRegistered = true;
}

/**
 * tfjs's WebGPU backend on a device of runtime/webgpu/device.ts (Dawn in
 * Node, navigator.gpu in a browser), unless a caller already registered it on
 * its own device (createTfjsWebGpuBackend). `auto` refuses a software adapter:
 * there wasm is faster.
 */
async function registerWebGpu(auto: boolean): Promise<void> {
  const registered = registeredWebGpuAdapter();
  if (registered !== null) {
    if (auto && isSoftwareAdapter(registered)) throw new Error(`its adapter, ${adapterName(registered)}, is a software renderer`);
    return;
  }
  const { createDevice, requestAdapter } = await import("../webgpu/device.js");
  let adapter: GPUAdapter;
  try {
    adapter = await requestAdapter();
  } catch (e) {
    // device.ts explains how to get an adapter at length; the first sentence says what happened.
    throw new Error((e as Error).message.split(". ")[0]);
  }
  if (auto && isSoftwareAdapter(adapter.info)) throw new Error(`its adapter, ${adapterName(adapter.info)}, is a software renderer`);
  const device = await createDevice();
  await createTfjsWebGpuBackend(device, adapter.info);
}
