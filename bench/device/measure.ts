/**
 * One row of the device bench, whatever runs it: a BenchRunner is a forward
 * pass returning last_hidden_state, optionally timed on the GPU. measure()
 * checks the first forward against the float64 reference, then times wall
 * and GPU reps until the rep count or the case's time slice runs out.
 */
import type { ModelInputs } from "./convspec-api.js";
import { maxAbsError } from "./reference.js";
import type { ResultRecord, Stats } from "./results.js";

export interface BenchRunner {
  /** The row kind in the summary ("wgsl"; later e.g. "tfjs-webgpu"). */
  readonly runner: string;
  /** What runs it (the adapter). */
  readonly device: string;
  readonly dispatches?: number;
  /** One forward: upload inputs, run, read back last_hidden_state. */
  forward(inputs: ModelInputs): Promise<Float32Array>;
  /** GPU nanoseconds of one forward's compute, where the device has timestamps. */
  gpuForward?: (inputs: ModelInputs) => Promise<number>;
  /** GPU nanoseconds of every dispatch of one forward. */
  dispatchProfile?: (inputs: ModelInputs) => Promise<{ kernel: string; ns: number }[]>;
  dispose(): void;
}

export interface BenchCase {
  name: string;
  inputs: ModelInputs;
  flops: number;
  /** float64 last_hidden_state from Hugging Face, when the reference step produced it. */
  expected?: Float64Array;
}

export interface MeasureOptions {
  reps: number;
  /** performance.now() after which no new rep starts (one rep of each kind always runs). */
  until: number;
  tolerance: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], n: sorted.length };
}

async function repeat(reps: number, until: number, once: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  while (samples.length < reps && (samples.length === 0 || performance.now() < until)) samples.push(await once());
  return samples;
}

export async function measure(r: BenchRunner, c: BenchCase, opts: MeasureOptions): Promise<ResultRecord> {
  const { batch, seqLen } = c.inputs;
  const first = await r.forward(c.inputs); // compiles pipelines, allocates buffers
  const maxAbsErr = c.expected ? maxAbsError(first, c.expected) : null;
  const wall = await repeat(opts.reps, opts.until, async () => {
    const start = performance.now();
    await r.forward(c.inputs);
    return performance.now() - start;
  });
  const gpuForward = r.gpuForward;
  const gpu = gpuForward ? await repeat(opts.reps, opts.until, async () => (await gpuForward(c.inputs)) / 1e6) : null;
  return {
    runner: r.runner, device: r.device, case: c.name, batch, seqLen, status: "ok",
    wallMs: stats(wall), gpuMs: gpu ? stats(gpu) : null, flops: c.flops,
    maxAbsErr, tolerance: c.expected ? opts.tolerance : null, dispatches: r.dispatches,
  };
}

/** Per-kernel totals of a dispatch profile, largest first. */
export function byKernel(dispatches: readonly { kernel: string; ns: number }[]): { kernel: string; calls: number; ms: number }[] {
  const totals = new Map<string, { calls: number; ns: number }>();
  for (const d of dispatches) {
    const t = totals.get(d.kernel) ?? { calls: 0, ns: 0 };
    t.calls++;
    t.ns += d.ns;
    totals.set(d.kernel, t);
  }
  return [...totals].map(([kernel, t]) => ({ kernel, calls: t.calls, ms: t.ns / 1e6 })).sort((a, b) => b.ms - a.ms);
}
