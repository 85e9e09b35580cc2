/**
 * `npm run bench:gpu`: conv-bert-base's backbone (seeded random weights) at
 * B1/B8 x L128/L512 on one local WebGPU adapter: convspec's WGSL with the
 * current kernels ("wgsl") and with the kernels before the GPU-class work
 * ("wgsl-legacy": the old passes and LEGACY_FLAGS), and the TensorFlow.js
 * target beside them, in one run: on its default backend ("tfjs") and on
 * tfjs's WebGPU backend registered on the WGSL rows' own device
 * ("tfjs-webgpu": tfjs's hand-written kernels against convspec's). Every row is compiled through the target
 * registry from the same spec; WGSL rows are tuned for each case's shape and
 * the device's features.
 *
 *   npm run bench:gpu -- [--quick] [--cases b1l128,b8l512] [--reps N] [--backend vulkan|opengl]
 *                        [--rows wgsl,wgsl-legacy,tfjs,tfjs-webgpu] [--write-docs]
 *
 * Latency: median wall time of executor.run (input upload, one forward,
 * read-back of last_hidden_state), after one warm-up run that also compiles.
 * GFLOP/s: the IR's FLOPs over that median. On a software adapter (llvmpipe,
 * SwiftShader) these numbers are ratios between kernels on a CPU, not GPU
 * speed: bench/device/ runs the same rows on a real GPU.
 */
import { resolve } from "node:path";
import { forwardFlops } from "../compiler/analysis/flops.js";
import { LEGACY_FLAGS } from "../compiler/backends/wgsl/index.js";
import { writeOutputText } from "../compiler/io/write-file.js";
import { lowerToIR } from "../compiler/ir/lower.js";
import type { Graph } from "../compiler/ir/types.js";
import { loadSpec } from "../compiler/load.js";
import { compileFor, type CompileRequest } from "../compiler/pipeline.js";
import type { Executor, ModelInputs, WeightMap } from "../runtime/executor.js";
import { createExecutor } from "../runtime/targets.js";
import { createTfjsWebGpuBackend } from "../runtime/tfjs/webgpu.js";
import { createDevice, describeDevice, resolveBackend, WEBGPU_BACKENDS, wgslOptionsFor, type WebGpuBackend } from "../runtime/webgpu/index.js";
import { randomWeights } from "../runtime/weights/index.js";
import { flag, median, option, syntheticInputs } from "./common.js";

const quick = flag("--quick");
const ALL_CASES = ["b1l128", "b8l128", "b1l512", "b8l512"];
const cases = option("--cases", quick ? "b1l128" : ALL_CASES.join(",")).split(",");
const reps = Number(option("--reps", quick ? "1" : "5"));
const OUTPUTS = ["last_hidden_state"];
/** The passes before the GPU-class work (issue 9): what "wgsl-legacy" compiles with. */
const LEGACY_PASSES = ["dce", "fuse-projections", "fold-activation", "fuse-gate", "fuse-add-layernorm"];

interface Row {
  row: string;
  adapter: string;
  shape: string;
  dispatches?: number;
  medianMs: number;
  gflops: number;
}

/** How each row kind compiles and where it runs. */
interface RowKind {
  adapter: string;
  create(graph: Graph, weights: WeightMap, shape: { B: number; L: number }): Promise<{ executor: Executor; dispatches?: number }>;
}

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

function rowKinds(device: GPUDevice): Record<string, RowKind> {
  const tuned = wgslOptionsFor(device);
  const wgsl = (request: Omit<CompileRequest, "outputs">): RowKind => ({
    adapter: describeDevice(device),
    async create(graph, weights, shape) {
      // The device's tuning under the row's own flags (legacy rows keep LEGACY_FLAGS whole).
      const flags = { ...tuned.flags, ...request.options?.flags };
      const { artifact } = compileFor("wgsl", graph, { ...request, outputs: OUTPUTS, options: { ...request.options, features: tuned.features, flags, shape } });
      return { executor: await createExecutor("wgsl", artifact, weights, { device }), dispatches: artifact.dispatches.length };
    },
  });
  return {
    wgsl: wgsl({}),
    "wgsl-legacy": wgsl({ passes: LEGACY_PASSES, options: { flags: LEGACY_FLAGS } }),
    tfjs: {
      adapter: "tfjs (its default backend)",
      async create(graph, weights) {
        const { artifact } = compileFor("tfjs", graph, { outputs: OUTPUTS });
        return { executor: await createExecutor("tfjs", artifact, weights) };
      },
    },
    "tfjs-webgpu": {
      adapter: describeDevice(device),
      async create(graph, weights) {
        await createTfjsWebGpuBackend(device); // tfjs's WebGPU kernels on the WGSL rows' device
        const { artifact } = compileFor("tfjs", graph, { outputs: OUTPUTS, options: { backend: "webgpu" } });
        return { executor: await createExecutor("tfjs", artifact, weights) };
      },
    },
  };
}

async function main(): Promise<void> {
  const spec = await loadSpec(resolve("specs/conv-bert-base.convspec"));
  const graph: Graph = lowerToIR({ ...spec, heads: { mlm: null, classifier: null, pooler: false } });
  process.stderr.write(`conv-bert-base backbone: generating random weights...\n`);
  const weights = randomWeights(graph, 0);
  const backend = option("--backend", resolveBackend("default"));
  if (!(WEBGPU_BACKENDS as readonly string[]).includes(backend)) throw new Error(`bad --backend '${backend}' (expected ${WEBGPU_BACKENDS.join(" or ")})`);
  const device = await createDevice({ backend: backend as WebGpuBackend });
  const kinds = rowKinds(device);
  const wanted = option("--rows", flag("--no-tfjs") ? "wgsl,wgsl-legacy" : Object.keys(kinds).join(",")).split(",");
  for (const name of wanted) if (!(name in kinds)) throw new Error(`unknown row '${name}' (expected ${Object.keys(kinds).join(", ")})`);

  const rows: Row[] = [];
  for (const c of cases) {
    const m = /^b(\d+)l(\d+)$/.exec(c);
    if (!m) throw new Error(`bad case '${c}' (expected e.g. b1l128)`);
    const [batch, seqLen] = [Number(m[1]), Number(m[2])];
    const flops = forwardFlops(graph, { batch, seqLen }).total;
    // Rows interleaved per case: the machine's load drifts less between them.
    for (const name of wanted) {
      const kind = kinds[name];
      process.stderr.write(`${name} on ${kind.adapter} B${batch} L${seqLen}...\n`);
      const { executor, dispatches } = await kind.create(graph, weights, { B: batch, L: seqLen });
      const medianMs = await time(executor, syntheticInputs(batch, seqLen, spec.vocabSize));
      executor.dispose();
      rows.push({ row: name, adapter: kind.adapter, shape: `B${batch} L${seqLen}`, dispatches, medianMs, gflops: flops / medianMs / 1e6 });
    }
  }
  device.destroy();

  const table = render(rows);
  console.log(table);
  if (flag("--write-docs")) {
    const note =
      `# WebGPU benchmark: conv-bert-base (backbone)\n\n` +
      `\`npm run bench:gpu -- ${process.argv.slice(2).join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, adapter: ${describeDevice(device)}; ` +
      `${reps} timed run(s) after one warm-up, median. Latency includes input upload and read-back of last_hidden_state.\n\n${table}\n\n` +
      `Ratios compare rows of this one run only. On a software adapter these numbers compare kernels running on a CPU, not GPU speed; ` +
      `bench/device/ runs the same rows on a real GPU.\n`;
    await writeOutputText(resolve("docs/bench-gpu-local.md"), note, { label: "docs/bench-gpu-local.md" });
    process.stderr.write(`wrote docs/bench-gpu-local.md\n`);
  }
}

function render(rows: Row[]): string {
  const base = new Map(rows.filter((r) => r.row === "wgsl").map((r) => [r.shape, r.medianMs]));
  const lines = ["| row | adapter | shape | dispatches | median ms | GFLOP/s | time ÷ wgsl time |", "|---|---|---|---:|---:|---:|---:|"];
  for (const r of rows) {
    const ratio = base.has(r.shape) ? `${(r.medianMs / base.get(r.shape)!).toFixed(2)}×` : "";
    lines.push(`| ${r.row} | ${r.adapter} | ${r.shape} | ${r.dispatches ?? ""} | ${r.medianMs.toFixed(1)} | ${r.gflops.toFixed(2)} | ${ratio} |`);
  }
  return lines.join("\n");
}

await main();
