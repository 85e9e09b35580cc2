/**
 * The golden vectors in ../shared/golden (Hugging Face reference outputs):
 * every case folder holds config.json, model.safetensors, inputs.json and
 * expected.safetensors. Shared by every backend's tests.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { HostTensor, ModelInputs } from "../../runtime/executor.js";
import { readSafetensors } from "../../runtime/weights/index.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const goldenDir = resolve(repoRoot, "../shared/golden");

export interface GoldenCase {
  name: string;
  dir: string;
  configPath: string;
  modelPath: string;
  inputsPath: string;
  config: Record<string, unknown>;
  inputs: ModelInputs;
  expected: Map<string, HostTensor>;
}

export function goldenCaseNames(): string[] {
  if (!existsSync(goldenDir)) throw new Error(`golden vectors not found at ${goldenDir} (shared/ must sit beside the repo)`);
  return readdirSync(goldenDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(goldenDir, d.name, "expected.safetensors")))
    .map((d) => d.name)
    .sort();
}

export function loadGoldenCase(name: string): GoldenCase {
  const dir = join(goldenDir, name);
  const json = JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8")) as Record<string, number[][]>;
  const ids = json.input_ids;
  const batch = ids.length;
  const seqLen = ids[0].length;
  const flat = (rows: number[][] | undefined, fill: number) => (rows ? rows.flat() : new Array<number>(batch * seqLen).fill(fill));
  return {
    name,
    dir,
    configPath: join(dir, "config.json"),
    modelPath: join(dir, "model.safetensors"),
    inputsPath: join(dir, "inputs.json"),
    config: JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>,
    inputs: {
      batch,
      seqLen,
      inputIds: Int32Array.from(ids.flat()),
      attentionMask: Float32Array.from(flat(json.attention_mask, 1)),
      tokenTypeIds: Int32Array.from(flat(json.token_type_ids, 0)),
    },
    expected: readSafetensors(join(dir, "expected.safetensors")).tensors,
  };
}

/** Output names a golden case checks: everything in expected.safetensors but the debug intermediates. */
export function checkedOutputs(golden: GoldenCase): string[] {
  return [...golden.expected.keys()].filter((k) => !k.startsWith("debug."));
}

export function maxAbsDiff(actual: HostTensor, expected: HostTensor): number {
  if (actual.shape.join(",") !== expected.shape.join(",")) {
    throw new Error(`shape mismatch: got [${actual.shape}] expected [${expected.shape}]`);
  }
  let max = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const d = Math.abs(actual.data[i] - expected.data[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}
