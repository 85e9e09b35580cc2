/**
 * `convspec compare <specs...>`: parameters, FLOPs and activation memory of
 * several models side by side, each with its ratio to the first; optionally
 * per layer and the latency predicted on named devices. The numbers come from
 * the IR (compiler/analysis); conventions are in docs/analysis.md. What is
 * shown is built once (cli/compare/comparison.ts) and printed as a terminal
 * table, markdown, CSV or JSON (cli/compare/render.ts).
 */
import type { Command } from "commander";
import { colorOn } from "../color.js";
import { findDevice, PRECISIONS, type Device, type Precision } from "../../compiler/analysis/devices.js";
import { summarizeModel, type ModelSummary } from "../../compiler/analysis/summary.js";
import { UserError } from "../../compiler/errors.js";
import { loadSpec } from "../../compiler/load.js";
import { buildComparison } from "../compare/comparison.js";
import { renderColumns, renderCsv, renderMarkdown, renderRows, textWidth } from "../compare/render.js";

interface CompareOptions {
  batch: string;
  seq: string;
  device: string[];
  precision: string;
  perLayer?: boolean;
  format: string;
  json?: boolean;
  layout: string;
  width?: string;
}

const FORMATS = ["table", "md", "csv", "json"] as const;
const LAYOUTS = ["auto", "columns", "rows"] as const;

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("compare models side by side: parameters, FLOPs of one forward at each sequence length, activation memory, per-part shares, predicted latency, ratio to the first")
    .argument("<specs...>", "spec files (.convspec, convspec JSON, HF config.json); the first is the baseline")
    .option("--batch <B[,B...]>", "batch sizes for FLOPs, memory and predictions, comma separated", "1")
    .option("--seq <L[,L...]>", "sequence lengths, comma separated; a length beyond a model's max positions is marked '—' for that model", "128,512")
    .option("--device <name[,name...]>", "predict the backbone's latency, at each --batch (default 1 and 8) and --seq, on these device profiles (e.g. h100, a100, l4, rtx4090, m2, m3, iris-xe, cpu-wasm); repeatable", collect, [])
    .option("--precision <p>", `precision of the predictions: ${PRECISIONS.join(", ")}`, "fp32")
    .option("--per-layer", "add per-layer sections: head split, parameters, FLOPs")
    .option("--format <format>", `output format: ${FORMATS.join(", ")}`, "table")
    .option("--json", "the same as --format json")
    .option("--layout <layout>", "table layout: columns (a column per model), rows (a row per model, one table per section), or auto: rows when the columns would not fit the terminal", "auto")
    .option("--width <columns>", "terminal width for --layout auto (default: the terminal's)")
    .action(async (specs: string[], options: CompareOptions, command: Command) => {
      const format = options.json ? "json" : oneOf(options.format, FORMATS, "--format");
      const layout = oneOf(options.layout, LAYOUTS, "--layout");
      const batches = positiveInts(options.batch, "--batch");
      const requested = positiveInts(options.seq, "--seq");
      const precision = oneOf(options.precision, PRECISIONS, "--precision") as Precision;
      const devices: Device[] = options.device.flatMap((d) => d.split(",")).map((d) => d.trim()).filter(Boolean).map(findDevice);
      const width = options.width === undefined ? process.stdout.columns : positiveInts(options.width, "--width")[0];

      const loaded = [];
      for (const path of specs) loaded.push({ path, spec: await loadSpec(path) });
      const longest = Math.max(...loaded.map((m) => m.spec.maxPositions));
      const beyondAll = requested.filter((L) => L > longest);
      if (beyondAll.length > 0 && command.getOptionValueSource("seq") !== "default") {
        const L = beyondAll[0];
        throw new UserError(loaded.length === 1 ? `${loaded[0].path}: --seq ${L} exceeds the model's max positions (${longest})` : `--seq ${L} exceeds the max positions of every model (at most ${longest})`);
      }
      const seqLens = requested.filter((L) => L <= longest);
      // Predictions default to B=1 and B=8: one request against a batch that fills the GPU.
      const predictBatches = command.getOptionValueSource("batch") === "default" ? [1, 8] : batches;
      const models: ModelSummary[] = loaded.map(({ path, spec }) => summarizeModel(path, spec, { batch: batches[0], batches, seqLens, devices, predictBatches, precision }));
      process.stdout.write(render(models, { format, layout, width, batches, predictBatches, seqLens, perLayer: options.perLayer === true }) + "\n");
    });
}

interface RenderOptions {
  format: (typeof FORMATS)[number];
  layout: (typeof LAYOUTS)[number];
  width: number | undefined;
  batches: number[];
  predictBatches: number[];
  seqLens: number[];
  perLayer: boolean;
}

function render(models: ModelSummary[], o: RenderOptions): string {
  if (o.format === "json") return JSON.stringify({ models }, null, 2);
  const comparison = buildComparison(models, { batches: o.batches, predictBatches: o.predictBatches, seqLens: o.seqLens, perLayer: o.perLayer });
  if (o.format === "md") return renderMarkdown(comparison);
  if (o.format === "csv") return renderCsv(comparison);
  const color = colorOn();
  if (o.layout === "rows") return renderRows(comparison, color, o.width);
  const columns = renderColumns(comparison, color);
  const tooWide = o.layout === "auto" && o.width !== undefined && textWidth(columns) > o.width;
  return tooWide ? renderRows(comparison, color, o.width) : columns;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInts(text: string, option: string): number[] {
  return text.split(",").map((s) => {
    const t = s.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1) throw new UserError(`${option} expects positive integers, got '${t}'`);
    return Number(t);
  });
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${option} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}
