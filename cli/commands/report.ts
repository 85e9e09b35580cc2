/**
 * `convspec report <specs...> -o report.html`: one self-contained HTML file
 * comparing the specs: parameters, FLOPs, memory and predicted latency
 * against the sequence length, FLOP shares by part, per-layer views of
 * heterogeneous specs, and measured vs predicted latency with `--bench`.
 * The chart code (and d3) loads only when this command runs.
 */
import type { Command } from "commander";
import { findDevice } from "../../compiler/analysis/devices.js";
import { UserError } from "../../compiler/errors.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { FILE_KINDS, readRegularText } from "../../compiler/io/read-file.js";
import { checkOutputPath, writeOutputText } from "../../compiler/io/write-file.js";

interface ReportCommandOptions {
  output?: string;
  bench?: string;
  batch: string;
  seq: string;
  device: string;
  title?: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write one self-contained HTML report comparing the specs: size, FLOPs, memory and latency vs sequence length, shares by part, per-layer views")
    .argument("<specs...>", "spec files (.convspec, convspec JSON, HF config.json); the first is the baseline")
    .requiredOption("-o, --output <file>", "the HTML file to write (never one of the inputs)")
    .option("--bench <results.json>", "measured latencies from `convspec bench --json` (or -o), shown against the predictions")
    .option("--batch <B>", "batch size", "1")
    .option("--seq <L[,L...]>", "sequence lengths of the curves; each model stops at its max positions", "16,32,64,128,256,512")
    .option("--device <name[,name...]>", "device profiles to predict latency on ('none' for no predictions)", "h100,m2,cpu-wasm")
    .option("--title <text>", "the report's title")
    .action(async (specPaths: string[], opts: ReportCommandOptions) => {
      const batch = positiveInts(opts.batch, "--batch");
      if (batch.length !== 1) throw new UserError("--batch takes one batch size for the report");
      const seqLens = positiveInts(opts.seq, "--seq");
      const devices = opts.device === "none" ? [] : opts.device.split(",").map((d) => d.trim()).filter(Boolean).map(findDevice);
      const specs = [];
      const inputs = new CommandInputs().add(opts.bench, "--bench");
      for (const path of specPaths) {
        const { spec, sources } = await loadSpecWithSources(path);
        specs.push({ path, spec });
        inputs.addSpec(sources, "the spec");
      }
      checkOutputPath(opts.output, { label: `-o ${opts.output}`, inputs });
      let bench;
      if (opts.bench !== undefined) {
        const { parseBenchResults } = await import("../bench/results.js");
        bench = parseBenchResults(readRegularText(opts.bench, FILE_KINDS.json), opts.bench);
      }
      const { buildReport } = await import("../report/build-report.js");
      const html = buildReport(specs, { title: opts.title, batch: batch[0], seqLens, devices, bench });
      await writeOutputText(opts.output!, html, { label: `-o ${opts.output}`, inputs });
      process.stderr.write(`wrote ${opts.output} (${(html.length / 1024).toFixed(0)} KiB, ${specs.length} model(s))\n`);
    });
}

function positiveInts(text: string, option: string): number[] {
  return text.split(",").map((s) => {
    const t = s.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1) throw new UserError(`${option} expects positive integers, got '${t}'`);
    return Number(t);
  });
}
