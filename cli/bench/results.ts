/**
 * The JSON `convspec bench --json` prints and `convspec report --bench`
 * reads, with its JSON Schema (bench-results.schema.json, shipped with the
 * package): a file given to `report` is checked against it.
 */
import Ajv2020 from "ajv/dist/2020.js";
import { UserError } from "../../compiler/errors.js";
import BENCH_SCHEMA from "./bench-results.schema.json" with { type: "json" };
import type { BenchTarget } from "./executors.js";
import type { SampleStats } from "./stats.js";

export const BENCH_FORMAT = "convspec-bench/1" as const;

export interface BenchCell extends SampleStats {
  spec: string;
  model: string;
  batch: number;
  seqLen: number;
  flops: number;
  samplesMs: number[];
  gflops: number;
  ratioToFirst: number | null;
  predicted: { device: string; ms: number } | null;
}

export interface BenchSkip {
  spec: string;
  model: string;
  batch: number;
  seqLen: number;
  reason: string;
}

export interface BenchResults {
  format: typeof BENCH_FORMAT;
  createdAt: string;
  environment: { node: string; platform: string; arch: string; cpu: string; cpus: number };
  target: BenchTarget;
  executor: string;
  reps: number;
  warmup: number;
  weights: string;
  outputs: string[];
  results: BenchCell[];
  skipped: BenchSkip[];
}

export { BENCH_SCHEMA };

/** Schema violations of `value` (empty when it is valid bench output). */
export function benchResultProblems(value: unknown): string[] {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(BENCH_SCHEMA);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Parses and checks a bench results file's text; anything else is the user's mistake, said plainly. */
export function parseBenchResults(text: string, file: string): BenchResults {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message}); expected the output of 'convspec bench --json'`);
  }
  const problems = benchResultProblems(value);
  if (problems.length > 0) throw new UserError(`${file}: not 'convspec bench --json' output:\n  ${problems.slice(0, 5).join("\n  ")}`);
  return value as BenchResults;
}
