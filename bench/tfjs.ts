/**
 * `npm run bench`: the TensorFlow.js target on conv-bert-small and
 * conv-bert-base (specs/*.convspec, seeded random weights), B1/B8 × L128,
 * wasm and cpu backends, all passes vs `--opt none`, in one process so the
 * ratios compare like with like. Prints a markdown table and writes it to
 * docs/bench-tfjs.md.
 *
 *   npm run bench -- [--quick] [--models small,base] [--backends wasm,cpu] [--no-write]
 *
 * Latency: median wall time of executor.run (upload, plan, download of
 * last_hidden_state). GFLOP/s: the IR's FLOPs (compiler/analysis) for the ops
 * last_hidden_state needs, over that median. Peak: tf.profile's peak
 * tf.memory() bytes during one run (weights included), and the part above the
 * weights (activations).
 */
import * as tf from "@tensorflow/tfjs-core";
import { writeFileSync, renameSync } from "node:fs";
import { resolve } from "node:path";
import { forwardFlops } from "../compiler/analysis/flops.js";
import { lowerToIR } from "../compiler/ir/lower.js";
import type { Graph } from "../compiler/ir/types.js";
import { loadSpec } from "../compiler/load.js";
import { optimize } from "../compiler/passes/index.js";
import type { ModelInputs, WeightMap } from "../runtime/executor.js";
import type { TfjsBackendName } from "../runtime/tfjs/index.js";
import { prepare } from "../index.js";
import { randomWeights } from "../runtime/weights/index.js";
import { flag, median, option, syntheticInputs } from "./common.js";

const quick = flag("--quick");
const models = option("--models", "small,base").split(",");
const backends = option("--backends", "wasm,cpu").split(",") as TfjsBackendName[];
const SHAPES = [
  { batch: 1, seqLen: 128 },
  { batch: 8, seqLen: 128 },
];
/** Measured runs per cell stop at this many, or once the cell has used its time budget. */
const MAX_RUNS = quick ? 3 : 10;
const BUDGET_MS = quick ? 4_000 : 20_000;
const OUTPUT = ["last_hidden_state"];
/** --quick skips cells whose single run would take longer than this. */
const QUICK_SKIP_MS = 30_000;
const skipped: string[] = [];

interface Cell {
  model: string;
  backend: TfjsBackendName;
  batch: number;
  seqLen: number;
  gflop: number;
  optMs: number;
  noneMs: number;
  runs: string;
  peakMB: number;
  activationMB: number;
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
}

/**
 * Median latency of one plan at one shape, plus the peak memory of its
 * warm-up run. When one run is expected to outlast the cell's budget (the
 * cpu backend on conv-bert-base B8 takes minutes), the warm-up is the only run.
 */
async function measure(graph: Graph, passes: "all" | "none", weights: WeightMap, backend: TfjsBackendName, inputs: ModelInputs, label: string, estimateMs: number) {
  const executor = await prepare("tfjs", graph, weights, { outputs: OUTPUT, passes, options: { backend } });
  try {
    const weightBytes = tf.memory().numBytes;
    progress(`${label}: warm-up run${Number.isFinite(estimateMs) ? ` (~${(estimateMs / 1000).toFixed(0)} s)` : ""}`);
    const warmStart = performance.now();
    const profile = await tf.profile(async () => {
      await executor.run(inputs, OUTPUT);
    });
    const warmMs = performance.now() - warmStart;
    const warmUpOnly = estimateMs > BUDGET_MS;
    const times: number[] = warmUpOnly ? [warmMs] : [];
    const start = performance.now();
    while (!warmUpOnly && times.length < MAX_RUNS && (times.length === 0 || performance.now() - start < BUDGET_MS)) {
      progress(`${label}: run ${times.length + 1}`);
      const t0 = performance.now();
      await executor.run(inputs, OUTPUT);
      times.push(performance.now() - t0);
    }
    return { ms: median(times), runs: times.length, peakBytes: profile.peakBytes, activationBytes: profile.peakBytes - weightBytes };
  } finally {
    executor.dispose();
  }
}

async function main(): Promise<void> {
  const cells: Cell[] = [];
  for (const name of models) {
    if (name !== "small" && name !== "base") throw new Error(`--models takes small and/or base, not '${name}'`);
    const spec = await loadSpec(resolve("specs", `conv-bert-${name}.convspec`));
    const graph = lowerToIR(spec);
    progress(`${spec.name}: random weights`);
    const weights = randomWeights(graph, 0);
    const plain = optimize(graph, { passes: ["dce"], requestedOutputs: OUTPUT });
    for (const backend of backends) {
      let gflopsSeen = Infinity; // throughput of the previous cell: predicts how long the next one takes
      for (const { batch, seqLen } of SHAPES) {
        const inputs = syntheticInputs(batch, seqLen, spec.vocabSize);
        const label = `${spec.name} ${backend} B${batch} L${seqLen}`;
        const gflop = forwardFlops(plain, { batch, seqLen }).total / 1e9;
        const estimateMs = (gflop / gflopsSeen) * 1000;
        if (quick && estimateMs > QUICK_SKIP_MS) {
          skipped.push(`${label} (about ${(estimateMs / 1000).toFixed(0)} s a run)`);
          continue;
        }
        const opt = await measure(graph, "all", weights, backend, inputs, `${label} opt all`, estimateMs);
        const none = await measure(graph, "none", weights, backend, inputs, `${label} opt none`, estimateMs);
        gflopsSeen = gflop / (opt.ms / 1000);
        cells.push({
          model: spec.name, backend, batch, seqLen,
          gflop,
          optMs: opt.ms, noneMs: none.ms, runs: `${opt.runs}/${none.runs}`,
          peakMB: opt.peakBytes / 2 ** 20, activationMB: opt.activationBytes / 2 ** 20,
        });
      }
    }
  }
  progress("");
  const table = renderTable(cells) + (skipped.length > 0 ? `\n\nSkipped by --quick: ${skipped.join("; ")}.` : "");
  process.stdout.write(table + "\n");
  if (!flag("--no-write")) writeDoc(table);
}

function renderTable(cells: Cell[]): string {
  const lines = [
    "| model | backend | B×L | GFLOP | median ms (all passes) | GFLOP/s | median ms (--opt none) | none / all | peak MB (activations) | runs (all/none) |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const c of cells) {
    lines.push(
      `| ${c.model} | ${c.backend} | ${c.batch}×${c.seqLen} | ${c.gflop.toFixed(2)} | ${c.optMs.toFixed(1)} | ${(c.gflop / (c.optMs / 1000)).toFixed(2)} | ` +
        `${c.noneMs.toFixed(1)} | ${(c.noneMs / c.optMs).toFixed(2)}× | ${c.peakMB.toFixed(0)} (${c.activationMB.toFixed(0)}) | ${c.runs} |`,
    );
  }
  return lines.join("\n");
}

function writeDoc(table: string): void {
  const path = resolve("docs", "bench-tfjs.md");
  const text = `# TensorFlow.js target: benchmark

Produced by \`npm run bench${quick ? " -- --quick" : ""}\` (bench/tfjs.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}.
Seeded random weights, inputs all unmasked, output \`last_hidden_state\` only (the MLM head is not run).
Latency is the median of up to ${MAX_RUNS} runs (within ${BUDGET_MS / 1000} s) after one warm-up run, or the
warm-up run alone where one run outlasts that budget (runs = 1); GFLOP counts the IR ops that
\`last_hidden_state\` needs (compiler/analysis); peak MB is tf.memory()'s peak during the warm-up run,
weights included (activations above the weights in brackets). "none / all" divides the \`--opt none\`
latency by the all-passes latency, measured in the same process. Both plans skip ops no requested output reads.

${table}
`;
  const temp = `${path}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  process.stderr.write(`wrote ${path}\n`);
}

await main();
