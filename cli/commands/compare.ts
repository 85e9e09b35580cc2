/**
 * `convspec compare <specs...>`: parameters, FLOPs and activation memory of
 * several models side by side, each with its ratio to the first. The numbers
 * come from the IR (compiler/analysis); conventions are in docs/analysis.md.
 */
import Table from "cli-table3";
import type { Command } from "commander";
import pc from "picocolors";
import { BACKBONE_PARTS, summarizeModel, type ModelSummary } from "../../compiler/analysis/summary.js";
import { formatTerms } from "../../compiler/ir/polynomial.js";
import { UserError } from "../../compiler/errors.js";
import type { Part } from "../../compiler/ir/types.js";
import { loadSpec } from "../../compiler/load.js";

interface CompareOptions {
  batch: string;
  seq: string;
  json?: boolean;
}

const PART_LABELS: Record<Part, string> = {
  embeddings: "embeddings (+ projection)", self_attention: "self-attention", span_conv: "span-based dynamic conv",
  attention_output: "attention output + LN", ffn: "feed-forward", pooler: "pooler", mlm_head: "MLM head", cls_head: "classifier head",
};

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("compare models side by side: parameters, FLOPs of one forward at each sequence length, activation memory, per-part shares, ratio to the first")
    .argument("<specs...>", "spec files (.convspec, convspec JSON, HF config.json); the first is the baseline")
    .option("--batch <B>", "batch size for FLOPs and memory", "1")
    .option("--seq <L[,L...]>", "sequence lengths, comma separated", "128,512")
    .option("--json", 'print {"models":[...]} as JSON instead of a table')
    .action(async (specs: string[], options: CompareOptions) => {
      const batch = positiveInt(options.batch, "--batch");
      const seqLens = options.seq.split(",").map((s) => positiveInt(s.trim(), "--seq"));
      const models: ModelSummary[] = [];
      for (const path of specs) {
        const spec = await loadSpec(path);
        const tooLong = seqLens.find((L) => L > spec.maxPositions);
        if (tooLong !== undefined) throw new UserError(`${path}: --seq ${tooLong} exceeds the model's max positions (${spec.maxPositions})`);
        models.push(summarizeModel(path, spec, { batch, seqLens }));
      }
      process.stdout.write(options.json ? JSON.stringify({ models }, null, 2) + "\n" : renderComparison(models, batch, seqLens) + "\n");
    });
}

function positiveInt(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UserError(`${option} expects positive integers, got '${text}'`);
  return Number(text);
}

/** The side-by-side table, one column per model. */
export function renderComparison(models: readonly ModelSummary[], batch: number, seqLens: readonly number[]): string {
  const table = new Table({
    head: ["", ...models.map((m, i) => `${pc.bold(m.name)}${i === 0 ? pc.dim(" (baseline)") : ""}\n${pc.dim(m.spec)}`)],
    colAligns: ["left", ...models.map(() => "right" as const)],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" }, // no rule between rows: sections are enough
  });
  const section = (title: string) => {
    if (table.length > 0) table.push(models.map(() => "").concat("")); // a blank line between sections
    table.push([pc.bold(pc.cyan(title)), ...models.map(() => "")]);
  };
  // A row of numbers, each model after the first with its ratio to the first.
  const row = (label: string, value: (m: ModelSummary) => number, format: (n: number) => string) => {
    const base = value(models[0]);
    table.push([label, ...models.map((m, i) => format(value(m)) + (i === 0 ? "" : ` ${ratio(value(m), base)}`))]);
  };

  section("Parameters");
  row("backbone", (m) => m.params.backbone, exact);
  row("  embeddings (+ projection)", (m) => m.params.embeddings + m.params.projection, exact);
  row("  encoder layers", (m) => m.params.layers, exact);
  if (models.some((m) => m.params.pooler > 0)) row("  pooler", (m) => m.params.pooler, exact);
  row("task heads", (m) => m.params.heads, exact);
  row("total", (m) => m.params.total, exact);

  section(`FLOPs of one forward, B=${batch}`);
  table.push(["backbone formula", ...models.map((m) => pc.dim(formatTerms(m.flops.formula.backbone, compact)))]);
  for (const L of seqLens) row(`backbone, L=${L}`, (m) => m.flops.bySeqLen[L].backbone, gflop);
  for (const L of seqLens) row(`with task heads, L=${L}`, (m) => m.flops.bySeqLen[L].total, gflop);

  for (const L of seqLens) {
    section(`Backbone FLOPs by part, L=${L}`);
    for (const part of BACKBONE_PARTS) {
      if (models.every((m) => m.flops.bySeqLen[L].byPart[part] === 0)) continue;
      table.push([`  ${PART_LABELS[part]}`, ...models.map((m) => percent(m.flops.bySeqLen[L].byPart[part] / m.flops.bySeqLen[L].backbone))]);
    }
  }

  section(`Backbone activations, B=${batch}, f32`);
  for (const L of seqLens) row(`peak live, L=${L}`, (m) => m.memory.bySeqLen[L].peakBytes, mebibytes);
  for (const L of seqLens) row(`  + attention scores, L=${L}`, (m) => m.memory.bySeqLen[L].peakWithScratchBytes, mebibytes);
  for (const L of seqLens) row(`memory-plan arena, L=${L}`, (m) => m.memory.bySeqLen[L].arenaBytes, mebibytes);
  for (const L of seqLens) row(`sum of intermediates, L=${L}`, (m) => m.memory.bySeqLen[L].intermediatesBytes, mebibytes);

  const note = pc.dim(
    "Ratios (×) are to the baseline. A multiply-add is 2 FLOPs; softmax, LayerNorm and GELU conventions: docs/analysis.md.\n" +
      "Memory: the backbone forward after all passes, each value freed at its last use; the arena is the static memory plan.",
  );
  return `${table.toString()}\n${note}`;
}

const exact = (n: number) => n.toLocaleString("en-US");
const gflop = (n: number) => `${(n / 1e9).toFixed(2)} GFLOP`;
const mebibytes = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const percent = (x: number) => (x === 0 ? pc.dim("—") : `${(100 * x).toFixed(1)} %`);
const compact = (n: number) => new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 }).format(n);

/** `×0.97`, green when smaller than the baseline, yellow when larger. */
function ratio(value: number, base: number): string {
  if (base === 0) return pc.dim("(—)");
  const r = value / base;
  const text = `×${r.toFixed(2)}`;
  return r < 0.995 ? pc.green(text) : r > 1.005 ? pc.yellow(text) : pc.dim(text);
}
