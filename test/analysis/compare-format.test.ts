/**
 * `convspec compare` ergonomics (issue 12 item 6), run in-process with the
 * exact text a user sees: lengths beyond a model's positions, per-row units,
 * --per-layer, --format md|csv|json, the rows layout for narrow terminals,
 * and --device predictions.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { findDevice } from "../../compiler/analysis/devices.js";
import { kernelsFromPlan } from "../../compiler/analysis/kernels.js";
import { predictLatency } from "../../compiler/analysis/roofline.js";
import type { ModelSummary } from "../../compiler/analysis/summary.js";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";

const TINY = ["test/fixtures/tiny-128.convspec", "test/fixtures/tiny-wide.convspec"];

async function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  // What a pipe gets: no colours, whatever terminal the tests run in.
  const tty = Object.getOwnPropertyDescriptor(process.stdout, "isTTY");
  Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true });
  const code = await main(["node", "convspec", "compare", ...args]).finally(() => {
    if (tty) Object.defineProperty(process.stdout, "isTTY", tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });
  vi.restoreAllMocks();
  return { code, stdout: out.join(""), stderr: err.join("") };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("convspec compare: output formats", () => {
  it("default --seq 128,512 marks L=512 '—¹' for a model with 128 positions, with a footnote, instead of failing", async () => {
    const { code, stdout } = await compare(...TINY);
    expect(code).toBe(0);
    expect(stdout).toBe(COLUMNS);
  });

  it("--format md with --per-layer and --device h100", async () => {
    const { code, stdout } = await compare(...TINY, "--seq", "128", "--per-layer", "--device", "h100", "--format", "md");
    expect(code).toBe(0);
    expect(stdout).toBe(MARKDOWN);
  });

  it("--format csv: raw numbers in base units, an empty cell where a length is beyond a model", async () => {
    const { code, stdout } = await compare(...TINY, "--format", "csv");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual(CSV_HEAD);
    expect(lines).toContain(CSV_SKIPPED);
    expect(lines).toHaveLength(CSV_LINES);
  });

  it("--layout auto turns to one table per section, split to fit --width, when the columns are too wide", async () => {
    const { code, stdout } = await compare(...TINY, "--seq", "128", "--width", "72");
    expect(code).toBe(0);
    expect(stdout).toBe(ROWS);
    const widest = Math.max(...stdout.split("\n").filter((l) => l.startsWith("│") || l.startsWith("┌")).map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(72);
  });

  it("--json: skipped lengths, per-layer head split and FLOPs, and predictions equal to the roofline over the WGSL plan", async () => {
    const { code, stdout } = await compare(...TINY, "--device", "h100,cpu-wasm", "--json");
    expect(code).toBe(0);
    const { models } = JSON.parse(stdout) as { models: ModelSummary[] };
    expect(models.map((m) => m.skippedSeqLens)).toEqual([[512], []]);
    expect(Object.keys(models[0].flops.bySeqLen)).toEqual(["128"]);
    expect(models[1].perLayer.map((l) => [l.attentionHeads, l.convHeads, l.ffnGroups])).toEqual([[1, 3, 1], [3, 1, 2]]);
    const layerSum = models[1].perLayer.reduce((s, l) => s + l.flopsBySeqLen["128"].total, 0);
    const embeddings = models[1].flops.bySeqLen["128"].byPart.embeddings;
    expect(layerSum + embeddings).toBe(models[1].flops.bySeqLen["128"].backbone);
    expect(models[1].predicted.map((p) => p.device)).toEqual(["h100", "cpu-wasm"]);
    expect(Object.keys(models[1].predicted[0].byBatch)).toEqual(["1", "8"]);

    const graph = optimize(lowerToIR(await loadSpec(TINY[1])), { passes: "all", requestedOutputs: ["last_hidden_state"] });
    const kernels = kernelsFromPlan(graph, compileWgsl(graph, { outputs: ["last_hidden_state"] }), { batch: 8, seqLen: 512 });
    expect(models[1].predicted[0].byBatch["8"]["512"].seconds).toBe(predictLatency(kernels, findDevice("h100")).seconds);
  });
});

describe("convspec compare: bad input", () => {
  it("an explicit --seq beyond every model is an error naming the longest", async () => {
    const r = await compare(...TINY, "--seq", "128,1024");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: --seq 1024 exceeds the max positions of every model (at most 512)\n");
  });

  it("an unknown device suggests the closest name and lists the known ones", async () => {
    const r = await compare(TINY[0], "--device", "h10");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown device 'h10' (did you mean 'h100'?); known devices: h100, a100-40gb, a100-80gb, l4, rtx4090, m2, m3, iris-xe, cpu-wasm, cpu-ort\n");
  });

  it("an unknown --format or --layout", async () => {
    expect((await compare(TINY[0], "--format", "xml")).stderr).toBe("error: --format must be one of table, md, csv, json, got 'xml'\n");
    expect((await compare(TINY[0], "--layout", "wide")).stderr).toBe("error: --layout must be one of auto, columns, rows, got 'wide'\n");
  });
});

const COLUMNS = `┌────────────────────────────────┬─────────────────────────────────┬──────────────────────────────────┐
│                                │             tiny-128 (baseline) │                        tiny-wide │
│                                │ test/fixtures/tiny-128.convspec │ test/fixtures/tiny-wide.convspec │
│ Parameters                     │                                 │                                  │
│ backbone                       │                          73,620 │                     79,956 ×1.09 │
│   embeddings (+ projection)    │                           9,536 │                     21,824 ×2.29 │
│   encoder layers               │                          64,084 │                     58,132 ×0.91 │
│ task heads                     │                           2,244 │                      2,244 ×1.00 │
│ total                          │                          75,864 │                     82,200 ×1.08 │
│                                │                                 │                                  │
│ FLOPs of one forward, B=1      │                                 │                                  │
│ backbone formula               │             284·B·L² + 134K·B·L │              284·B·L² + 122K·B·L │
│ backbone, L=128                │                     21.79 MFLOP │                20.26 MFLOP ×0.93 │
│ backbone, L=512                │                              —¹ │                     136.87 MFLOP │
│ with task heads, L=128         │                     23.18 MFLOP │                21.65 MFLOP ×0.93 │
│ with task heads, L=512         │                              —¹ │                     142.44 MFLOP │
│                                │                                 │                                  │
│ Backbone FLOPs by part, L=128  │                                 │                                  │
│   embeddings (+ projection)    │                           2.6 % │                            2.8 % │
│   self-attention               │                          35.9 % │                           41.2 % │
│   span-based dynamic conv      │                          11.7 % │                           12.8 % │
│   attention output + LN        │                          10.3 % │                           11.1 % │
│   feed-forward                 │                          39.5 % │                           32.1 % │
│                                │                                 │                                  │
│ Backbone FLOPs by part, L=512  │                                 │                                  │
│   embeddings (+ projection)    │                              —¹ │                            1.7 % │
│   self-attention               │                              —¹ │                           65.2 % │
│   span-based dynamic conv      │                              —¹ │                            7.6 % │
│   attention output + LN        │                              —¹ │                            6.6 % │
│   feed-forward                 │                              —¹ │                           19.0 % │
│                                │                                 │                                  │
│ Backbone activations, B=1, f32 │                                 │                                  │
│ peak live, L=128               │                       128.0 KiB │                  144.0 KiB ×1.13 │
│ peak live, L=512               │                              —¹ │                        576.0 KiB │
│   + attention scores, L=128    │                       256.0 KiB │                  336.0 KiB ×1.31 │
│   + attention scores, L=512    │                              —¹ │                          3.6 MiB │
│ memory-plan arena, L=128       │                       176.0 KiB │                  184.0 KiB ×1.05 │
│ memory-plan arena, L=512       │                              —¹ │                        736.0 KiB │
│ sum of intermediates, L=128    │                       592.0 KiB │                  624.0 KiB ×1.05 │
│ sum of intermediates, L=512    │                              —¹ │                          2.4 MiB │
└────────────────────────────────┴─────────────────────────────────┴──────────────────────────────────┘
¹ tiny-128: max_positions 128; L=512 not computed
Ratios (×) are to the baseline. A multiply-add is 2 FLOPs; softmax, LayerNorm and GELU conventions: docs/analysis.md.
Memory: the backbone forward after all passes, each value freed at its last use; the arena is the static memory plan.
`;

const MARKDOWN = `| | tiny-128 (baseline) | tiny-wide |
|---|---:|---:|
| **Parameters** | | |
| backbone | 73,620 | 79,956 ×1.09 |
| &emsp;embeddings (+ projection) | 9,536 | 21,824 ×2.29 |
| &emsp;encoder layers | 64,084 | 58,132 ×0.91 |
| task heads | 2,244 | 2,244 ×1.00 |
| total | 75,864 | 82,200 ×1.08 |
| **FLOPs of one forward, B=1** | | |
| backbone formula | 284·B·L² + 134K·B·L | 284·B·L² + 122K·B·L |
| backbone, L=128 | 21.79 MFLOP | 20.26 MFLOP ×0.93 |
| with task heads, L=128 | 23.18 MFLOP | 21.65 MFLOP ×0.93 |
| **Backbone FLOPs by part, L=128** | | |
| &emsp;embeddings (+ projection) | 2.6 % | 2.8 % |
| &emsp;self-attention | 35.9 % | 41.2 % |
| &emsp;span-based dynamic conv | 11.7 % | 12.8 % |
| &emsp;attention output + LN | 10.3 % | 11.1 % |
| &emsp;feed-forward | 39.5 % | 32.1 % |
| **Backbone activations, B=1, f32** | | |
| peak live, L=128 | 128.0 KiB | 144.0 KiB ×1.13 |
| &emsp;+ attention scores, L=128 | 256.0 KiB | 336.0 KiB ×1.31 |
| memory-plan arena, L=128 | 176.0 KiB | 184.0 KiB ×1.05 |
| sum of intermediates, L=128 | 592.0 KiB | 624.0 KiB ×1.05 |
| **Predicted latency, h100 (fp32)** | | |
| B=1, L=128 | 91.10 µs | 90.51 µs ×0.99 |
| B=8, L=128 | 95.87 µs | 94.94 µs ×0.99 |
| dispatches | 14 | 14 ×1.00 |
| **Per layer: attention + conv heads × size, kernel, FFN** | | |
| layer 0 | 2a+2c×16 K5 FFN 128 | 1a+3c×16 K5 FFN 128 |
| layer 1 | 2a+2c×16 K5 FFN 128 | 3a+1c×16 K5 FFN 128/2g |
| **Per layer: parameters** | | |
| layer 0 | 32,042 | 33,487 ×1.05 |
| layer 1 | 32,042 | 24,645 ×0.77 |
| **Per layer: FLOPs, B=1, L=128** | | |
| layer 0 | 10.61 MFLOP | 9.84 MFLOP ×0.93 |
| layer 1 | 10.61 MFLOP | 9.85 MFLOP ×0.93 |

Ratios (×) are to the baseline. A multiply-add is 2 FLOPs; softmax, LayerNorm and GELU conventions: docs/analysis.md.  
Memory: the backbone forward after all passes, each value freed at its last use; the arena is the static memory plan.  
Predicted: a roofline over the backbone's WGSL dispatches on h100 (NVIDIA H100 SXM5 80GB);  
achieved fractions per kernel class and a per-dispatch overhead; figures, sources and assumptions: docs/analysis.md.
`;

const CSV_HEAD = ["section,quantity,unit,test/fixtures/tiny-128.convspec,test/fixtures/tiny-wide.convspec", "Parameters,backbone,count,73620,79956", "Parameters,embeddings (+ projection),count,9536,21824"];
const CSV_SKIPPED = '"FLOPs of one forward, B=1","backbone, L=512",FLOP,,136867840';
const CSV_LINES = 29;

const ROWS = `Parameters
┌─────────────────────┬──────────────┬───────────────────────────┐
│ model               │     backbone │ embeddings (+ projection) │
│ tiny-128 (baseline) │       73,620 │                     9,536 │
│ tiny-wide           │ 79,956 ×1.09 │              21,824 ×2.29 │
└─────────────────────┴──────────────┴───────────────────────────┘
Parameters (continued)
┌─────────────────────┬────────────────┬─────────────┬──────────────┐
│ model               │ encoder layers │  task heads │        total │
│ tiny-128 (baseline) │         64,084 │       2,244 │       75,864 │
│ tiny-wide           │   58,132 ×0.91 │ 2,244 ×1.00 │ 82,200 ×1.08 │
└─────────────────────┴────────────────┴─────────────┴──────────────┘
FLOPs of one forward, B=1
┌─────────────────────┬─────────────────────┬───────────────────┐
│ model               │ backbone formula    │   backbone, L=128 │
│ tiny-128 (baseline) │ 284·B·L² + 134K·B·L │       21.79 MFLOP │
│ tiny-wide           │ 284·B·L² + 122K·B·L │ 20.26 MFLOP ×0.93 │
└─────────────────────┴─────────────────────┴───────────────────┘
FLOPs of one forward, B=1 (continued)
┌─────────────────────┬────────────────────────┐
│ model               │ with task heads, L=128 │
│ tiny-128 (baseline) │            23.18 MFLOP │
│ tiny-wide           │      21.65 MFLOP ×0.93 │
└─────────────────────┴────────────────────────┘
Backbone FLOPs by part, L=128
┌─────────────────────┬───────────────────────────┬────────────────┐
│ model               │ embeddings (+ projection) │ self-attention │
│ tiny-128 (baseline) │                     2.6 % │         35.9 % │
│ tiny-wide           │                     2.8 % │         41.2 % │
└─────────────────────┴───────────────────────────┴────────────────┘
Backbone FLOPs by part, L=128 (continued)
┌─────────────────────┬─────────────────────────┐
│ model               │ span-based dynamic conv │
│ tiny-128 (baseline) │                  11.7 % │
│ tiny-wide           │                  12.8 % │
└─────────────────────┴─────────────────────────┘
Backbone FLOPs by part, L=128 (continued)
┌─────────────────────┬───────────────────────┬──────────────┐
│ model               │ attention output + LN │ feed-forward │
│ tiny-128 (baseline) │                10.3 % │       39.5 % │
│ tiny-wide           │                11.1 % │       32.1 % │
└─────────────────────┴───────────────────────┴──────────────┘
Backbone activations, B=1, f32
┌─────────────────────┬──────────────────┬───────────────────────────┐
│ model               │ peak live, L=128 │ + attention scores, L=128 │
│ tiny-128 (baseline) │        128.0 KiB │                 256.0 KiB │
│ tiny-wide           │  144.0 KiB ×1.13 │           336.0 KiB ×1.31 │
└─────────────────────┴──────────────────┴───────────────────────────┘
Backbone activations, B=1, f32 (continued)
┌─────────────────────┬──────────────────────────┐
│ model               │ memory-plan arena, L=128 │
│ tiny-128 (baseline) │                176.0 KiB │
│ tiny-wide           │          184.0 KiB ×1.05 │
└─────────────────────┴──────────────────────────┘
Backbone activations, B=1, f32 (continued)
┌─────────────────────┬─────────────────────────────┐
│ model               │ sum of intermediates, L=128 │
│ tiny-128 (baseline) │                   592.0 KiB │
│ tiny-wide           │             624.0 KiB ×1.05 │
└─────────────────────┴─────────────────────────────┘
Ratios (×) are to the baseline. A multiply-add is 2 FLOPs; softmax, LayerNorm and GELU conventions: docs/analysis.md.
Memory: the backbone forward after all passes, each value freed at its last use; the arena is the static memory plan.
`;
