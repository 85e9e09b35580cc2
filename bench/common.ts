/** What the benchmark scripts share: flags, the median, and synthetic inputs. */
import type { ModelInputs } from "../runtime/executor.js";

const args = process.argv.slice(2);

export const flag = (name: string): boolean => args.includes(name);

/** `--name value`, or `fallback` when absent. */
export function option(name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Deterministic, unmasked token ids spread over the vocabulary. */
export function syntheticInputs(batch: number, seqLen: number, vocab: number): ModelInputs {
  const ids = new Int32Array(batch * seqLen);
  for (let i = 0; i < ids.length; i++) ids[i] = (i * 7919 + 13) % vocab;
  return { batch, seqLen, inputIds: ids, attentionMask: new Float32Array(ids.length).fill(1), tokenTypeIds: new Int32Array(ids.length) };
}
