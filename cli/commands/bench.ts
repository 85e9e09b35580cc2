/**
 * `convspec bench <specs...>`: measured latency of one forward pass per spec
 * and shape on a target (tfjs or WGSL), with seeded weights or a checkpoint:
 * median and spread over timed runs after a warm-up, GFLOP/s, ratios to the
 * first spec, and the cost model's prediction beside it where a device
 * profile describes this machine. `--json` prints what `report --bench` reads.
 */
import type { Command } from "commander";
import { colorOn } from "../color.js";
import { findDevice } from "../../compiler/analysis/devices.js";
import { UserError } from "../../compiler/errors.js";
import { BENCH_TARGETS, type BenchTarget } from "../bench/executors.js";
import { checkBackend, targetNamed } from "../../compiler/backends/index.js";
import { parseSeed } from "../weights.js";
import { renderBench } from "../bench/render.js";
import { runBench } from "../bench/run-bench.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath, writeOutputText } from "../../compiler/io/write-file.js";

interface BenchCommandOptions {
  target: string;
  backend?: string;
  batch: string;
  seq: string;
  reps: string;
  warmup: string;
  seed: string;
  weights?: string;
  predict?: string;
  json?: boolean;
  output?: string;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("measure one forward pass per spec and shape: median and spread, GFLOP/s, ratio to the first spec, predicted latency beside it")
    .argument("<specs...>", "spec files (.convspec, convspec JSON, HF config.json); the first is the baseline")
    .option("--target <target>", `where to run: ${BENCH_TARGETS.join(", ")}`, "tfjs")
    .option("--backend <name>", "tfjs backend: tensorflow, wasm, cpu (default: the first that loads)")
    .option("--batch <B[,B...]>", "batch sizes, comma separated", "1")
    .option("--seq <L[,L...]>", "sequence lengths, comma separated; a length beyond a model's max positions is skipped for it", "128")
    .option("--reps <n>", "timed runs per spec and shape", "10")
    .option("--warmup <n>", "untimed runs before them", "1")
    .option("--seed <n>", "seed of the random weights when --weights is absent", "0")
    .option("--weights <file>", "a safetensors checkpoint for every spec instead of seeded random weights")
    .option("--predict <device>", "device profile for the predicted column (default: cpu-wasm when tfjs runs on wasm)")
    .option("--json", "print the results as JSON (bench-results.schema.json) instead of a table")
    .option("-o, --output <file>", "also write the JSON results to this file (for `convspec report --bench`)")
    .action(async (specs: string[], opts: BenchCommandOptions) => {
      const target: BenchTarget = targetNamed(opts.target);
      checkBackend(target, opts.backend);
      if (opts.predict !== undefined) findDevice(opts.predict);
      const seed = parseSeed(opts.seed);
      const inputs = new CommandInputs().addAll(specs, "the spec").add(opts.weights, "--weights");
      // Checked before minutes of timing, not after.
      checkOutputPath(opts.output, { label: `-o ${opts.output}`, inputs });
      const results = await runBench(specs, {
        target,
        backend: opts.backend,
        batches: positiveInts(opts.batch, "--batch"),
        seqLens: positiveInts(opts.seq, "--seq"),
        reps: positiveInts(opts.reps, "--reps")[0],
        warmup: nonNegativeInt(opts.warmup, "--warmup"),
        seed,
        weights: opts.weights,
        predict: opts.predict,
      });
      const json = JSON.stringify(results, null, 2) + "\n";
      if (opts.output !== undefined) await writeOutputText(opts.output, json, { label: `-o ${opts.output}`, inputs });
      process.stdout.write(opts.json ? json : renderBench(results, colorOn()) + "\n");
    });
}

function positiveInts(text: string, option: string): number[] {
  return text.split(",").map((s) => {
    const t = s.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1) throw new UserError(`${option} expects positive integers, got '${t}'`);
    return Number(t);
  });
}

function nonNegativeInt(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UserError(`${option} expects a non-negative integer, got '${text}'`);
  return Number(text);
}
