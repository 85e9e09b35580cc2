/**
 * Picks the tfjs backend: `tensorflow` (libtensorflow with CUDA, through the
 * optional @tensorflow/tfjs-node-gpu) when it loads, else `wasm` (XNNPACK),
 * else `cpu` (plain JS). An explicit choice that cannot load is a UserError.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { TFJS_BACKENDS, type TfjsBackendName } from "../../compiler/backends/tfjs/plan.js";
import { UserError } from "../../compiler/errors.js";

export { TFJS_BACKENDS, type TfjsBackendName };

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
  const problem = await tryBackend(name);
  if (problem !== null) throw new UserError(`tfjs backend '${name}' is not available: ${problem}`);
}

/** The first backend in preference order that loads; `requested` forces one. */
export async function selectBackend(requested?: TfjsBackendName): Promise<TfjsBackendName> {
  if (requested !== undefined) {
    if (!(TFJS_BACKENDS as readonly string[]).includes(requested)) {
      throw new UserError(`unknown tfjs backend '${String(requested)}' (expected ${TFJS_BACKENDS.join(", ")})`);
    }
    await useBackend(requested);
    return requested;
  }
  for (const name of TFJS_BACKENDS) {
    if ((await tryBackend(name)) === null) return name;
  }
  throw new UserError("no tfjs backend could be initialised");
}

/** Activates `name`; returns null on success or why it failed. */
async function tryBackend(name: TfjsBackendName): Promise<string | null> {
  try {
    if (name === "wasm") await registerWasm();
    if (name === "tensorflow") await registerTensorflow();
    const ok = await tf.setBackend(name);
    if (!ok) return "it failed to initialise";
    await tf.ready();
    if (name === "cpu") silenceNodeAdvice();
    return null;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
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
  // In Node the .wasm binaries are read from disk: point tfjs at the package's dist folder.
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  wasmRegistered = true;
}

async function registerTensorflow(): Promise<void> {
  if (tf.findBackend("tensorflow") !== null || tf.engine().registryFactory.tensorflow !== undefined) return;
  // An optionalDependency: a variable specifier keeps bundlers and tsc from requiring it.
  const moduleName = "@tensorflow/tfjs-node-gpu";
  try {
    await import(moduleName);
  } catch (e) {
    throw new Error(`${moduleName} is not installed or its native library did not load (${(e as Error).message.split("\n")[0]})`);
  }
}
