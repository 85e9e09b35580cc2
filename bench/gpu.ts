/**
 * `npm run bench:gpu`: the WebGPU target (generated WGSL) on conv-bert-base
 * (specs/conv-bert-base.convspec, backbone only, seeded random weights) at
 * B1/B8 x L128/L512, with the TensorFlow.js target measured in the same run
 * beside it. Writes a markdown table to docs/bench-gpu.md.
 *
 *   npm run bench:gpu -- [--quick] [--cases b1l128,b8l512] [--reps N] [--backend vulkan|opengl] [--no-tfjs] [--no-write]
 *
 * Latency: median wall time of executor.run (input upload, one forward,
 * read-back of last_hidden_state), after one warm-up run that also compiles.
 * GFLOP/s: the IR's FLOPs (compiler/analysis) over that median.
 * Every row names what ran it: the WebGPU adapter (`--backend`, default
 * CONVSPEC_WEBGPU_BACKEND, else OpenGL) or the tfjs backend.
 * On a software adapter (Mesa llvmpipe) this measures correctness plumbing,
 * not GPU speed: bench/device/ carries the same measurement to a real GPU.
 */
import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { forwardFlops } from "../compiler/analysis/flops.js";
import { lowerToIR } from "../compiler/ir/lower.js";
import type { Graph } from "../compiler/ir/types.js";
import { loadSpec } from "../compiler/load.js";
import type { Executor, ModelInputs } from "../runtime/executor.js";
import { createTfjsExecutor } from "../runtime/tfjs/index.js";
import { createDevice, createWebGpuExecutor, describeDevice, resolveBackend, WEBGPU_BACKENDS, type WebGpuBackend } from "../runtime/webgpu/index.js";
import { randomWeights } from "../runtime/weights/index.js";
import { flag, median, option, syntheticInputs } from "./common.js";

const quick = flag("--quick");
const ALL_CASES = ["b1l128", "b8l128", "b1l512", "b8l512"];
const cases = option("--cases", quick ? "b1l128" : ALL_CASES.join(",")).split(",");
const reps = Number(option("--reps", quick ? "1" : "5"));

interface Row {
  target: string;
  adapter: string;
  shape: string;
  medianMs: number;
  gflops: number;
}

async function time(executor: Executor, inputs: ModelInputs): Promise<number> {
  await executor.run(inputs, ["last_hidden_state"]); // warm-up: pipelines, buffers
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await executor.run(inputs, ["last_hidden_state"]);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function main(): Promise<void> {
  const spec = await loadSpec(resolve("specs/conv-bert-base.convspec"));
  const graph: Graph = lowerToIR({ ...spec, heads: { mlm: null, classifier: null, pooler: false } });
  process.stderr.write(`conv-bert-base backbone: generating random weights...\n`);
  const weights = randomWeights(graph, 0);
  const backend = option("--backend", resolveBackend("default"));
  if (!(WEBGPU_BACKENDS as readonly string[]).includes(backend)) throw new Error(`bad --backend '${backend}' (expected ${WEBGPU_BACKENDS.join(" or ")})`);
  const device = await createDevice({ backend: backend as WebGpuBackend });
  const adapterName = describeDevice(device);
  const targets: [string, () => Promise<Executor>][] = [["wgsl", () => createWebGpuExecutor(graph, weights, { device })]];
  if (!flag("--no-tfjs")) targets.push(["tfjs", () => createTfjsExecutor(graph, weights)]);

  const rows: Row[] = [];
  for (const [target, create] of targets) {
    const executor = await create();
    const tfjsBackend = "backend" in executor ? String((executor as { backend: string }).backend) : null;
    const label = tfjsBackend ? "tfjs" : "wgsl";
    const adapter = tfjsBackend ? `tfjs ${tfjsBackend} backend` : adapterName;
    for (const c of cases) {
      const m = /^b(\d+)l(\d+)$/.exec(c);
      if (!m) throw new Error(`bad case '${c}' (expected e.g. b1l128)`);
      const [batch, seqLen] = [Number(m[1]), Number(m[2])];
      process.stderr.write(`${label} on ${adapter} B${batch} L${seqLen}...\n`);
      const medianMs = await time(executor, syntheticInputs(batch, seqLen, spec.vocabSize));
      const flops = forwardFlops(graph, { batch, seqLen }).total;
      rows.push({ target: label, adapter, shape: `B${batch} L${seqLen}`, medianMs, gflops: flops / medianMs / 1e6 });
    }
    executor.dispose();
  }

  const table = render(rows);
  console.log(table);
  if (!flag("--no-write")) {
    const doc = resolve("docs/bench-gpu.md");
    const note =
      `# WebGPU benchmark: conv-bert-base (backbone)\n\n` +
      `\`npm run bench:gpu -- ${process.argv.slice(2).join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, adapter: ${adapterName}; ` +
      `${reps} timed run(s) after one warm-up, median. Latency includes input upload and read-back of last_hidden_state.\n\n${table}\n\n` +
      `Ratios compare rows of this one run only. On a software adapter (Mesa llvmpipe here) these numbers show the plumbing works, not GPU speed; ` +
      `see bench/device/ to run the same measurement on a real GPU.\n`;
    writeFileSync(`${doc}.tmp`, note);
    renameSync(`${doc}.tmp`, doc);
    process.stderr.write(`wrote ${doc}\n`);
  }
}

function render(rows: Row[]): string {
  const wgsl = new Map(rows.filter((r) => r.target.startsWith("wgsl")).map((r) => [r.shape, r.medianMs]));
  const lines = ["| target | adapter | shape | median ms | GFLOP/s | time ÷ wgsl time |", "|---|---|---|---:|---:|---:|"];
  for (const r of rows) {
    const ratio = wgsl.has(r.shape) ? (r.medianMs / wgsl.get(r.shape)!).toFixed(2) + "x" : "";
    lines.push(`| ${r.target} | ${r.adapter} | ${r.shape} | ${r.medianMs.toFixed(1)} | ${r.gflops.toFixed(2)} | ${r.target.startsWith("wgsl") ? "1.00x" : ratio} |`);
  }
  return lines.join("\n");
}

await main();
