/** Top-k predictions at each [MASK] position, from MLM logits [1, L, vocab]. */
import type { HostTensor } from "../executor.js";

export interface MaskPrediction {
  /** Token position in the sequence (0 = [CLS]). */
  position: number;
  candidates: { id: number; probability: number }[];
}

export function predictMasks(logits: HostTensor, ids: readonly number[], maskId: number, topK: number): MaskPrediction[] {
  const vocab = logits.shape[logits.shape.length - 1];
  const predictions: MaskPrediction[] = [];
  ids.forEach((id, position) => {
    if (id !== maskId) return;
    const row = logits.data.subarray(position * vocab, (position + 1) * vocab);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let total = 0;
    for (const v of row) total += Math.exp(v - max);
    const best = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, topK);
    predictions.push({ position, candidates: best.map((i) => ({ id: i, probability: Math.exp(row[i] - max) / total })) });
  });
  return predictions;
}
