/**
 * The ONNX target on onnxruntime-node (CPU) beside the tfjs target (wasm) and
 * Hugging Face's own ONNX export of the same weights, for conv-bert-small and
 * conv-bert-base (specs/*.convspec, seeded random weights) at B1/B8 × L128
 * and B1 L512, in one process. Prints a markdown table and writes it to
 * docs/bench-onnx.md with --write-docs.
 *
 *   node bin/run-ts.mjs bench/onnx.ts [--quick] [--models small,base] [--threads 1]
 *     [--hf-python /work/venv-onnx/bin/python] [--contrib] [--no-tfjs] [--write-docs]
 *     [--shapes 1x128,8x128,1x512] [--rounds 7]
 *
 * Columns (all ORT sessions at --threads intra-op threads, graph optimisation "all"):
 * - onnx: all passes, the default `--onnx-ops standard` (standard ops only);
 * - ort: all passes, `--onnx-ops ort` (every ORT contrib op); --opt none: no passes, standard ops;
 * - HF: `torch.onnx.export` of transformers' ConvBertModel with the same weights
 *   (bench/hf_onnx_export.py, run by --hf-python; without it the column is empty);
 *   its output is checked against ours at every shape (max abs diff in the table);
 * - tfjs: the tfjs target on its wasm backend, all passes (single-threaded in Node).
 * With --contrib, each contrib op alone (standard + one) is timed too.
 * ORT sessions of a shape run interleaved, round by round, each round starting
 * with the next one, so drift on this shared machine hits every column alike;
 * each cell is a median.
 * Compile: lower + passes + compileOnnx + encode (weights laid out) of the
 * export, and ORT's session creation (load + optimise + prepack) of it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileOnnx, CONTRIB_OPS, DEFAULT_ONNX_OPS, parseOnnxOps, type OnnxCompileOptions } from "../compiler/backends/onnx/index.js";
import { forwardFlops } from "../compiler/analysis/flops.js";
import { lowerToIR } from "../compiler/ir/lower.js";
import type { Graph } from "../compiler/ir/types.js";
import { loadSpec } from "../compiler/load.js";
import { optimize } from "../compiler/passes/index.js";
import { exportHfConfig } from "../compiler/spec/hf-config.js";
import type { ModelSpec } from "../compiler/spec/model-spec.js";
import type { ModelInputs, WeightMap } from "../runtime/executor.js";
import { prepare } from "../index.js";
import { createOrtSession, encodeOnnx, loadOrt, type OrtSession } from "../runtime/onnx/index.js";
import { randomWeights, writeSafetensors } from "../runtime/weights/index.js";
import { flag, median, option, syntheticInputs } from "./common.js";

const quick = flag("--quick");
const models = option("--models", "small,base").split(",");
const threads = Number(option("--threads", "1"));
const hfPython = option("--hf-python", process.env.CONVSPEC_HF_PYTHON ?? "");
const contribStudy = flag("--contrib");
const withTfjs = !flag("--no-tfjs");
const SHAPES = option("--shapes", "1x128,8x128,1x512")
  .split(",")
  .map((s) => {
    const [batch, seqLen] = s.split("x").map(Number);
    if (!(batch >= 1 && seqLen >= 1)) throw new Error(`--shapes takes BxL pairs like 1x128, not '${s}'`);
    return { batch, seqLen };
  });
const ROUNDS = Number(option("--rounds", quick ? "3" : "7"));
/** tfjs-wasm is slow: up to this many runs after the warm-up, within the budget. */
const TFJS_RUNS = quick ? 1 : 5;
const TFJS_BUDGET_MS = quick ? 5_000 : 30_000;
const OUTPUT = ["last_hidden_state"];

interface Contender {
  label: string;
  /** Runs once and returns last_hidden_state. */
  run(inputs: ModelInputs): Promise<Float32Array>;
  release(): Promise<void>;
}

interface Row {
  model: string;
  batch: number;
  seqLen: number;
  gflop: number;
  ms: Record<string, number>;
  hfDiff: number | null;
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
}

async function ortContender(label: string, session: OrtSession, int64: boolean): Promise<Contender> {
  const ort = await loadOrt();
  return {
    label,
    async run(inputs) {
      const dims = [inputs.batch, inputs.seqLen];
      const ints = (a: Int32Array | Float32Array) => (int64 ? new ort.Tensor("int64", BigInt64Array.from(a, (v) => BigInt(v)), dims) : new ort.Tensor("int32", Int32Array.from(a), dims));
      const feeds = {
        input_ids: ints(inputs.inputIds),
        attention_mask: int64 ? ints(inputs.attentionMask) : new ort.Tensor("float32", inputs.attentionMask, dims),
        token_type_ids: ints(inputs.tokenTypeIds),
      };
      const out = await session.run(feeds, OUTPUT);
      return out.last_hidden_state.data as Float32Array;
    },
    release: () => session.release(),
  };
}

async function convspecContender(label: string, graph: Graph, weights: WeightMap, options: OnnxCompileOptions, compileTimes?: { compileMs: number; loadMs: number }): Promise<Contender> {
  const t0 = performance.now();
  const model = encodeOnnx(compileOnnx(graph, OUTPUT, options), weights, null).model;
  const t1 = performance.now();
  const session = await createOrtSession(model, { threads });
  const t2 = performance.now();
  if (compileTimes) Object.assign(compileTimes, { compileMs: t1 - t0, loadMs: t2 - t1 });
  return ortContender(label, session, false);
}

/** HF's export of the same weights, through bench/hf_onnx_export.py in the given Python. */
async function hfContender(spec: ModelSpec, weights: WeightMap, dir: string): Promise<Contender> {
  const config = join(dir, `${spec.name}.config.json`);
  const checkpoint = join(dir, `${spec.name}.safetensors`);
  const model = join(dir, `${spec.name}.hf.onnx`);
  writeFileSync(config, JSON.stringify(exportHfConfig(spec)));
  await writeSafetensors(checkpoint, Object.fromEntries(weights), {});
  progress(`${spec.name}: torch.onnx.export (HF)`);
  try {
    execFileSync(hfPython, [resolve("bench", "hf_onnx_export.py"), config, checkpoint, model], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    throw new Error(`HF export failed (${hfPython}):\n${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
  return ortContender("HF", await createOrtSession(model, { threads }), true);
}

async function tfjsContender(graph: Graph, weights: WeightMap): Promise<Contender> {
  const executor = await prepare("tfjs", graph, weights, { outputs: OUTPUT, passes: "all", options: { backend: "wasm" } });
  return {
    label: "tfjs",
    run: async (inputs) => (await executor.run(inputs, OUTPUT)).last_hidden_state.data,
    release: async () => executor.dispose(),
  };
}

async function time(c: Contender, inputs: ModelInputs): Promise<[number, Float32Array]> {
  const t0 = performance.now();
  const out = await c.run(inputs);
  return [performance.now() - t0, out];
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function benchModel(name: string, hfDir: string | null): Promise<{ rows: Row[]; compile: string }> {
  const spec = await loadSpec(resolve("specs", `conv-bert-${name}.convspec`));
  const graph = lowerToIR(spec);
  progress(`${spec.name}: random weights`);
  const weights = randomWeights(graph, 0);
  const counted = optimize(graph, { passes: ["dce"], requestedOutputs: OUTPUT });
  const tCompile = performance.now();
  const optimized = optimize(graph, { passes: "all", requestedOutputs: OUTPUT });
  const passesMs = performance.now() - tCompile;

  const times = { compileMs: 0, loadMs: 0 };
  progress(`${spec.name}: compiling ONNX`);
  const ort: Contender[] = [
    await convspecContender("onnx", optimized, weights, parseOnnxOps(DEFAULT_ONNX_OPS), times),
    await convspecContender("ort", optimized, weights, parseOnnxOps("ort")),
    await convspecContender("--opt none", graph, weights, parseOnnxOps("standard")),
  ];
  if (contribStudy) {
    for (const op of Object.keys(CONTRIB_OPS)) {
      ort.push(await convspecContender(`+${op}`, optimized, weights, parseOnnxOps(op)));
    }
  }
  const hf = hfDir ? await hfContender(spec, weights, hfDir) : null;
  if (hf) ort.push(hf);
  const tfjs = withTfjs ? await tfjsContender(graph, weights) : null;

  const rows: Row[] = [];
  try {
    for (const { batch, seqLen } of SHAPES) {
      const inputs = syntheticInputs(batch, seqLen, spec.vocabSize);
      const label = `${spec.name} B${batch} L${seqLen}`;
      const samples = new Map<string, number[]>(ort.map((c) => [c.label, []]));
      const outputs = new Map<string, Float32Array>();
      for (const c of ort) outputs.set(c.label, (await time(c, inputs))[1]); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        // Each round starts with the next contender, so no column always runs first (or right after another).
        for (const c of [...ort.slice(round % ort.length), ...ort.slice(0, round % ort.length)]) {
          progress(`${label}: round ${round + 1}/${ROUNDS} ${c.label}`);
          samples.get(c.label)!.push((await time(c, inputs))[0]);
        }
      }
      const ms: Record<string, number> = Object.fromEntries([...samples].map(([k, v]) => [k, median(v)]));
      if (tfjs) {
        progress(`${label}: tfjs wasm warm-up`);
        const tfjsTimes: number[] = [];
        const [warm] = await time(tfjs, inputs);
        const start = performance.now();
        while (tfjsTimes.length < TFJS_RUNS && (tfjsTimes.length === 0 || performance.now() - start + warm < TFJS_BUDGET_MS)) {
          progress(`${label}: tfjs wasm run ${tfjsTimes.length + 1}`);
          tfjsTimes.push((await time(tfjs, inputs))[0]);
        }
        ms.tfjs = median(tfjsTimes);
      }
      const gflop = forwardFlops(counted, { batch, seqLen }).total / 1e9;
      const hfDiff = hf ? maxDiff(outputs.get("onnx")!, outputs.get("HF")!) : null;
      rows.push({ model: spec.name, batch, seqLen, gflop, ms, hfDiff });
    }
  } finally {
    for (const c of ort) await c.release();
    await tfjs?.release();
  }
  const compile = `${spec.name}: passes ${passesMs.toFixed(0)} ms + compileOnnx & encode ${times.compileMs.toFixed(0)} ms; ORT session creation ${times.loadMs.toFixed(0)} ms`;
  return { rows, compile };
}

function renderTable(rows: Row[], extra: string[]): string {
  const cols = ["onnx", "ort", "--opt none", ...extra, "HF", "tfjs"];
  const present = cols.filter((c) => rows.some((r) => r.ms[c] !== undefined));
  const fmt = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(1));
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "–" : `${(a / b).toFixed(2)}`);
  const lines = [
    `| model | B×L | GFLOP | ${present.map((c) => `${c} ms`).join(" | ")} | onnx GFLOP/s | onnx / HF | --opt none / onnx | tfjs / onnx | max abs diff vs HF |`,
    `|---|---|---:|${present.map(() => "---:").join("|")}|---:|---:|---:|---:|---:|`,
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.batch}×${r.seqLen} | ${r.gflop.toFixed(2)} | ${present.map((c) => fmt(r.ms[c])).join(" | ")} | ` +
        `${(r.gflop / (r.ms.onnx / 1000)).toFixed(1)} | ${ratio(r.ms.onnx, r.ms.HF)} | ${ratio(r.ms["--opt none"], r.ms.onnx)} | ${ratio(r.ms.tfjs, r.ms.onnx)} | ` +
        `${r.hfDiff === null ? "–" : r.hfDiff.toExponential(1)} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads takes a positive integer, not '${option("--threads", "")}'`);
  const hfDir = hfPython ? mkdtempSync(join(tmpdir(), "convspec-bench-hf-")) : null;
  const rows: Row[] = [];
  const compiles: string[] = [];
  try {
    for (const name of models) {
      if (name !== "small" && name !== "base") throw new Error(`--models takes small and/or base, not '${name}'`);
      const { rows: modelRows, compile } = await benchModel(name, hfDir);
      rows.push(...modelRows);
      compiles.push(compile);
    }
  } finally {
    if (hfDir) rmSync(hfDir, { recursive: true, force: true });
  }
  progress("");
  const extra = contribStudy ? Object.keys(CONTRIB_OPS).map((op) => `+${op}`) : [];
  const table = renderTable(rows, extra);
  const notes = [`Compile (in-process, this run): ${compiles.join("; ")}.`, ...(hfDir ? [] : ["No --hf-python given: the HF column is empty."])];
  process.stdout.write(`${table}\n\n${notes.join("\n")}\n`);
  if (flag("--write-docs")) writeDoc(table, notes);
}

function writeDoc(table: string, notes: string[]): void {
  const path = resolve("docs", "bench-onnx.md");
  const args = process.argv.slice(2).join(" ");
  const text = `# ONNX target: benchmark

Produced by \`node bin/run-ts.mjs bench/onnx.ts${args ? ` ${args}` : ""}\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch},
onnxruntime-node CPU with ${threads} intra-op thread(s). Seeded random weights (seed 0), inputs all unmasked, output
\`last_hidden_state\` only. Each ORT cell is the median of ${ROUNDS} runs after a warm-up, the ORT sessions of a
shape interleaved round by round (each round starting one column later); tfjs (wasm backend, single-threaded) is the median of up to ${TFJS_RUNS} runs within
${TFJS_BUDGET_MS / 1000} s. GFLOP counts the IR ops \`last_hidden_state\` needs (compiler/analysis).
"onnx" is the export with all passes and the default \`--onnx-ops standard\`; "ort" the same with every ORT contrib op
(\`--onnx-ops ort\`); "--opt none" the plain lowering (standard ops); "HF" is \`torch.onnx.export\` of transformers' \`ConvBertModel\`
with the same weights (bench/hf_onnx_export.py), whose output is compared with ours in the last column.
With \`--contrib\`, "+op" columns add one ORT contrib op to the standard export; why none is in the default:
compiler/backends/onnx/options.ts.

${table}

${notes.join("\n")}
`;
  const temp = `${path}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  process.stderr.write(`wrote ${path}\n`);
}

await main();
