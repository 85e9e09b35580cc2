/**
 * `npm run bench:gpu`: the WebGPU target (generated WGSL) on conv-bert-base
 * (specs/conv-bert-base.convspec, backbone only, seeded random weights) at
 * B1/B8 x L128/L512, with the TensorFlow.js target measured in the same run
 * beside it on its auto backend and on tfjs's WebGPU backend registered on
 * the WGSL target's own device (same adapter, same run), all compiled from
 * the same optimised graph. Prints a markdown table; `--write-docs` also
 * writes it to docs/bench-gpu.md.
 *
 *   npm run bench:gpu -- [--quick] [--cases b1l128,b8l512] [--reps N] [--no-tfjs] [--no-tfjs-webgpu] [--write-docs]
 *
 * Latency: median wall time of executor.run (input upload, one forward,
 * read-back of last_hidden_state), after one warm-up run that also compiles.
 * GFLOP/s: the IR's FLOPs (compiler/analysis) over that median.
 * On a software adapter (Mesa llvmpipe) this measures correctness plumbing,
 * not GPU speed: use bench/gpu-carry/ on a real GPU.
 */
import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { forwardFlops } from "../compiler/analysis/flops.js";
import { lowerToIR } from "../compiler/ir/lower.js";
import type { Graph } from "../compiler/ir/types.js";
import { loadSpec } from "../compiler/load.js";
import { compilerTarget, type TargetName } from "../compiler/backends/index.js";
import { optimize } from "../compiler/passes/index.js";
import type { Executor, ModelInputs } from "../runtime/executor.js";
import { createExecutor } from "../runtime/targets.js";
import { createTfjsWebGpuBackend } from "../runtime/tfjs/webgpu.js";
import { createDevice, requestAdapter } from "../runtime/webgpu/index.js";
import { randomWeights } from "../runtime/weights/index.js";
import { flag, median, option, syntheticInputs } from "./common.js";

const quick = flag("--quick");
const ALL_CASES = ["b1l128", "b8l128", "b1l512", "b8l512"];
const cases = option("--cases", quick ? "b1l128" : ALL_CASES.join(",")).split(",");
const reps = Number(option("--reps", quick ? "1" : "5"));

interface Row {
  target: string;
  shape: string;
  medianMs: number;
  gflops: number;
}

const OUTPUTS = ["last_hidden_state"];

async function time(executor: Executor, inputs: ModelInputs): Promise<number> {
  await executor.run(inputs); // warm-up: pipelines, buffers
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await executor.run(inputs);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function main(): Promise<void> {
  const spec = await loadSpec(resolve("specs/conv-bert-base.convspec"));
  const graph: Graph = lowerToIR({ ...spec, heads: { mlm: null, classifier: null, pooler: false } });
  process.stderr.write(`conv-bert-base backbone: generating random weights...\n`);
  const weights = randomWeights(graph, 0);
  const adapter = await requestAdapter();
  const adapterName = [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(" ") || "unknown adapter";
  // One optimised graph for every target: the rows compare targets, not pass sets.
  const optimised = optimize(graph, { passes: "all", requestedOutputs: OUTPUTS });
  const device = await createDevice();
  // Each row: a target and its backend (undefined: the target's default).
  const targets: [TargetName, string | undefined][] = [["wgsl", undefined]];
  if (!flag("--no-tfjs")) targets.push(["tfjs", undefined]);
  if (!flag("--no-tfjs-webgpu")) {
    await createTfjsWebGpuBackend(device, adapter.info); // tfjs's WebGPU kernels on the WGSL rows' device
    targets.push(["tfjs", "webgpu"]);
  }

  const rows: Row[] = [];
  for (const [target, backend] of targets) {
    // WGSL kernels may use what the device offers (as `prepare` does).
    const artifact = compilerTarget(target).compile(optimised, OUTPUTS, { backend, features: target === "wgsl" ? [...device.features] : undefined });
    const executor = await createExecutor(target, artifact, weights, target === "wgsl" ? { device } : {});
    const tfjsBackend = "backend" in executor ? String((executor as { backend: string }).backend) : null;
    const label = tfjsBackend === null ? `wgsl (${adapterName})` : tfjsBackend === "webgpu" ? `tfjs webgpu (${adapterName})` : `tfjs (${tfjsBackend})`;
    for (const c of cases) {
      const m = /^b(\d+)l(\d+)$/.exec(c);
      if (!m) throw new Error(`bad case '${c}' (expected e.g. b1l128)`);
      const [batch, seqLen] = [Number(m[1]), Number(m[2])];
      process.stderr.write(`${label} B${batch} L${seqLen}...\n`);
      const medianMs = await time(executor, syntheticInputs(batch, seqLen, spec.vocabSize));
      const flops = forwardFlops(optimised, { batch, seqLen }).total;
      rows.push({ target: label, shape: `B${batch} L${seqLen}`, medianMs, gflops: flops / medianMs / 1e6 });
    }
    executor.dispose();
  }

  const table = render(rows);
  console.log(table);
  if (flag("--write-docs")) {
    const doc = resolve("docs/bench-gpu.md");
    const note =
      `# WebGPU benchmark: conv-bert-base (backbone)\n\n` +
      `\`npm run bench:gpu -- ${process.argv.slice(2).join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, adapter: ${adapterName}; ` +
      `${reps} timed run(s) after one warm-up, median. Latency includes input upload and read-back of last_hidden_state.\n\n${table}\n\n` +
      `"tfjs webgpu" is tfjs-backend-webgpu registered on the WGSL rows' own device (same adapter, same run), running the tfjs plan of the same optimised graph. ` +
      `Ratios compare rows of this one run only. On a software adapter (Mesa llvmpipe here) these numbers show the plumbing works, not GPU speed; ` +
      `see bench/gpu-carry/ to run the same benchmark on a real GPU.\n`;
    writeFileSync(`${doc}.tmp`, note);
    renameSync(`${doc}.tmp`, doc);
    process.stderr.write(`wrote ${doc}\n`);
  }
}

function render(rows: Row[]): string {
  // Every row is compared with the WGSL row of its shape (same adapter for the tfjs webgpu rows).
  const wgsl = new Map(rows.filter((r) => r.target.startsWith("wgsl")).map((r) => [r.shape, r.medianMs]));
  const lines = ["| target | shape | median ms | GFLOP/s | time ÷ wgsl time |", "|---|---|---:|---:|---:|"];
  for (const r of rows) {
    const ratio = wgsl.has(r.shape) ? (r.medianMs / wgsl.get(r.shape)!).toFixed(2) + "x" : "";
    lines.push(`| ${r.target} | ${r.shape} | ${r.medianMs.toFixed(1)} | ${r.gflops.toFixed(2)} | ${r.target.startsWith("wgsl") ? "1.00x" : ratio} |`);
  }
  return lines.join("\n");
}

await main();
