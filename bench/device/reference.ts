/**
 * The Hugging Face side's output, as hf_reference.py writes it:
 *
 *   <dir>/reference.json       the manifest below
 *   <dir>/weights.safetensors  the model's float32 weights (HF names)
 *   <dir>/<case>/inputs.json   the inputs both sides run
 *   <dir>/<case>/last_hidden_state.f64   the float64 forward, raw little-endian
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

export interface ReferenceCase {
  case: string;
  batch: number;
  seqLen: number;
  inputs: string;
  reference: string;
  shape: number[];
}

export interface ReferenceManifest {
  model: string;
  seed: number;
  weights: string;
  device: string;
  cases: ReferenceCase[];
}

export interface Reference {
  dir: string;
  manifest: ReferenceManifest;
  weightsPath: string;
  find(name: string): ReferenceCase | undefined;
  inputsPath(c: ReferenceCase): string;
  /** The float64 last_hidden_state of a case, its size checked against the manifest's shape. */
  expected(c: ReferenceCase): Float64Array;
}

export function readReference(manifestPath: string): Reference {
  const dir = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ReferenceManifest;
  if (!Array.isArray(manifest.cases) || typeof manifest.weights !== "string") throw new Error(`${manifestPath}: not a reference manifest (no cases or weights)`);
  return {
    dir,
    manifest,
    weightsPath: join(dir, manifest.weights),
    find: (name) => manifest.cases.find((c) => c.case === name),
    inputsPath: (c) => join(dir, c.inputs),
    expected(c) {
      const path = join(dir, c.reference);
      const bytes = 8 * c.shape.reduce((a, b) => a * b, 1);
      const stat = statSync(path);
      if (!stat.isFile() || stat.size !== bytes) throw new Error(`${path}: expected ${bytes} bytes of float64 for shape [${c.shape.join(", ")}], found ${stat.size}`);
      const raw = readFileSync(path);
      return new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + bytes));
    },
  };
}

/** Max |actual - expected|; NaN anywhere counts as infinitely wrong. */
export function maxAbsError(actual: Float32Array, expected: Float64Array | Float32Array): number {
  if (actual.length !== expected.length) throw new Error(`output has ${actual.length} values, the reference ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}
