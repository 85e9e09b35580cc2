/**
 * What the device run leaves under $OUT, and the summary table made from it.
 *
 *   $OUT/results/<runner>-<case>.json   one ResultRecord per row (hf_reference.py writes the same shape)
 *   $OUT/steps/<n>-<step>.json           run-device.sh: each step's exit code and seconds
 *   $OUT/golden.json                     the golden cases on the device
 *   $OUT/setup.json, $OUT/hf-env.json    what run-device.sh found; torch's versions and device
 *   $OUT/summary.md                      rewritten after every case, so a timeout keeps what was measured
 *
 * A row kind is just a `runner` name: a new one (e.g. "tfjs-webgpu") writes
 * records and the table picks it up; RUNNER_ORDER only sorts the rows.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface Stats {
  median: number;
  min: number;
  n: number;
}

export interface ResultRecord {
  /** Row kind: "wgsl", "hf-eager-fp32", "hf-tf32", "hf-fp16", "hf-cudagraph-fp32", ... */
  runner: string;
  /** What ran it: the WebGPU adapter, or torch's device name. */
  device: string;
  case: string;
  batch: number;
  seqLen: number;
  status: "ok" | "skipped" | "failed";
  reason?: string;
  /** Wall time of one forward: input upload, forward, read-back of last_hidden_state. */
  wallMs?: Stats;
  /** GPU time of the forward alone (WebGPU timestamp queries, CUDA events); absent where the device cannot tell. */
  gpuMs?: Stats | null;
  /** FLOPs of one forward (convspec's analysis). */
  flops?: number;
  /** Max |last_hidden_state - float64 reference|, and the tolerance it is checked against (none: reported only). */
  maxAbsErr?: number | null;
  tolerance?: number | null;
  dispatches?: number;
}

export interface StepRecord {
  step: string;
  rc: number;
  seconds: number;
  note?: string;
}

export interface GoldenRecord {
  device: string;
  cases: { name: string; maxAbsErr: number; tolerance: number; pass: boolean }[];
}

export const RUNNER_ORDER = ["wgsl", "wgsl-legacy", "tfjs-webgpu", "hf-eager-fp32", "hf-tf32", "hf-fp16", "hf-cudagraph-fp32"];
const BASELINE = "hf-eager-fp32";

/** Writes JSON under a temporary name and renames it: a reader never sees half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, JSON.stringify(value, null, 1) + "\n");
}

function writeTextAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export function writeResult(outDir: string, record: ResultRecord): void {
  writeJsonAtomic(join(outDir, "results", `${record.runner}-${record.case}.json`), record);
}

function readJsonDir<T>(dir: string): T[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(dir, f), "utf8")) as T];
      } catch {
        return []; // a record being written by a step that was killed: skip it
      }
    });
}

const fmt = (x: number | undefined | null, digits = 2): string => (x === undefined || x === null || !Number.isFinite(x) ? "" : x.toFixed(digits));
const sci = (x: number | undefined | null): string => (x === undefined || x === null ? "" : x.toExponential(1));
const runnerRank = (r: string): number => (RUNNER_ORDER.includes(r) ? RUNNER_ORDER.indexOf(r) : RUNNER_ORDER.length);

/** The results table: one row per runner and shape, ratios against HF eager fp32 of the same shape and run. */
export function renderResults(records: readonly ResultRecord[], flopsOf?: (batch: number, seqLen: number) => number): string {
  const rows = [...records].sort((a, b) => a.batch - b.batch || a.seqLen - b.seqLen || runnerRank(a.runner) - runnerRank(b.runner) || a.runner.localeCompare(b.runner));
  const base = new Map(records.filter((r) => r.runner === BASELINE && r.status === "ok").map((r) => [r.case, r]));
  const lines = [
    "| shape | runner | device | wall ms | GPU ms | GFLOP/s (wall) | GFLOP/s (GPU) | wall ÷ HF fp32 | GPU ÷ HF fp32 | max abs err vs f64 | check |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const shape = `B${r.batch} L${r.seqLen}`;
    if (r.status !== "ok") {
      lines.push(`| ${shape} | ${r.runner} | ${r.device} | | | | | | | | ${r.status}: ${r.reason ?? ""} |`);
      continue;
    }
    const flops = r.flops ?? flopsOf?.(r.batch, r.seqLen);
    const wall = r.wallMs?.median;
    const gpu = r.gpuMs?.median;
    const gflops = (ms: number | undefined) => (flops && ms ? fmt(flops / ms / 1e6, 1) : "");
    const b = base.get(r.case);
    const ratio = (mine: number | undefined, theirs: number | undefined) => (mine && theirs ? `${(mine / theirs).toFixed(2)}x` : "");
    const check = r.tolerance == null || r.maxAbsErr == null ? "" : r.maxAbsErr <= r.tolerance ? `ok (≤ ${sci(r.tolerance)})` : `FAIL (> ${sci(r.tolerance)})`;
    lines.push(
      `| ${shape} | ${r.runner} | ${r.device} | ${fmt(wall)} | ${fmt(gpu)} | ${gflops(wall)} | ${gflops(gpu)} | ${ratio(wall, b?.wallMs?.median)} | ${ratio(gpu, b?.gpuMs?.median ?? undefined)} | ${sci(r.maxAbsErr)} | ${check} |`,
    );
  }
  return lines.join("\n");
}

/** Rewrites $OUT/summary.md from everything measured so far. */
export function writeSummary(outDir: string, flopsOf?: (batch: number, seqLen: number) => number): string {
  const parts = ["# convspec device run\n"];
  // run-device.sh's findings (setup.json), then torch's (hf-env.json): key: value lines.
  for (const [file, prefix] of [["setup.json", ""], ["hf-env.json", "hf "]]) {
    const path = join(outDir, file);
    if (!existsSync(path)) continue;
    try {
      const fields = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      parts.push(Object.entries(fields).map(([k, v]) => `- ${prefix}${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join("\n") + "\n");
    } catch {
      // being rewritten: the next summary has it
    }
  }
  const steps = readJsonDir<StepRecord>(join(outDir, "steps"));
  if (steps.length > 0) {
    parts.push("| step | exit | seconds | note |\n|---|---:|---:|---|\n" + steps.map((s) => `| ${s.step} | ${s.rc} | ${s.seconds} | ${s.note ?? ""} |`).join("\n") + "\n");
  }
  const goldenPath = join(outDir, "golden.json");
  if (existsSync(goldenPath)) {
    const golden = JSON.parse(readFileSync(goldenPath, "utf8")) as GoldenRecord;
    parts.push(`Golden cases on ${golden.device}: ${golden.cases.map((c) => `${c.name} ${c.pass ? "ok" : "FAIL"} (max abs err ${sci(c.maxAbsErr)})`).join(", ")}\n`);
  }
  const results = readJsonDir<ResultRecord>(join(outDir, "results"));
  if (results.length > 0) {
    parts.push(renderResults(results, flopsOf) + "\n");
    parts.push(
      "wall: median ms of one forward with input upload and read-back of last_hidden_state; GPU: the forward alone " +
        "(WebGPU timestamp queries around the compute pass, CUDA events around the model call); ratios compare rows of this one run.\n",
    );
  }
  const text = parts.join("\n");
  writeTextAtomic(join(outDir, "summary.md"), text);
  return text;
}
