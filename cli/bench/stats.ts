/** Summary statistics of latency samples (milliseconds). */

export interface SampleStats {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  p25Ms: number;
  p75Ms: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function sampleStats(samples: readonly number[]): SampleStats {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: quantile(sorted, 0.5), minMs: sorted[0], maxMs: sorted[sorted.length - 1], p25Ms: quantile(sorted, 0.25), p75Ms: quantile(sorted, 0.75) };
}
