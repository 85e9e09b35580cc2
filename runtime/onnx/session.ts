/**
 * onnxruntime-node, loaded on first use (a dynamic import), so commands and
 * targets that never run ONNX never pay for loading its native library.
 */
import { UserError } from "../../compiler/errors.js";

export type Ort = typeof import("onnxruntime-node");
export type OrtSession = Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;

let ortModule: Promise<Ort> | null = null;

export function loadOrt(): Promise<Ort> {
  ortModule ??= import("onnxruntime-node").catch((e: unknown) => {
    ortModule = null;
    throw new UserError(`cannot load onnxruntime-node (npm ci installs it): ${(e as Error).message}`);
  });
  return ortModule;
}

export interface OrtSessionOptions {
  /** Intra-op threads (ORT's default: one per physical core). */
  threads?: number;
  /** ORT graph optimisation level; default "all". */
  optimization?: "disabled" | "basic" | "extended" | "all";
  /** Prepack constant weights for the kernels (default true): faster runs, slower session creation. */
  prepack?: boolean;
  /** Write ORT's JSON profile with this file prefix. */
  profilePrefix?: string;
}

/** A session from model bytes or a model path (a path resolves external data beside it). */
export async function createOrtSession(model: Uint8Array | string, options: OrtSessionOptions = {}): Promise<OrtSession> {
  const ort = await loadOrt();
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new UserError(`threads must be a positive integer, got ${options.threads}`);
  }
  const sessionOptions = {
    executionProviders: ["cpu"],
    graphOptimizationLevel: options.optimization ?? "all",
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    ...(options.prepack === false ? { extra: { session: { disable_prepacking: "1" } } } : {}),
    ...(options.profilePrefix !== undefined ? { enableProfiling: true, profileFilePrefix: options.profilePrefix } : {}),
  } as const;
  try {
    return typeof model === "string" ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  } catch (e) {
    throw new UserError(`ONNX Runtime refused the model: ${(e as Error).message}`, { cause: e });
  }
}
