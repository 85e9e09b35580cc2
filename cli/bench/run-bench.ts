/**
 * The benchmark sweep behind `convspec bench`: for each spec (weights laid
 * out once) and each (B, L), `warmup` untimed runs, then `reps` timed runs of
 * one forward pass to the outputs (inputs uploaded, outputs read back).
 * Lengths beyond a model's max positions are skipped and listed.
 */
import { arch, cpus, platform } from "node:os";
import { findDevice } from "../../compiler/analysis/devices.js";
import { forwardFlops } from "../../compiler/analysis/flops.js";
import { kernelsFromGraph, kernelsFromPlan } from "../../compiler/analysis/kernels.js";
import { predictLatency } from "../../compiler/analysis/roofline.js";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { loadSpec } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";
import type { ModelInputs, WeightMap } from "../../runtime/executor.js";
import { randomWeights, readSafetensors, weightsFromSafetensors } from "../../runtime/weights/index.js";
import { createBenchExecutor, type BenchTarget } from "./executors.js";
import { progressBar } from "./progress.js";
import { BENCH_FORMAT, type BenchCell, type BenchResults, type BenchSkip } from "./results.js";
import { sampleStats } from "./stats.js";

export interface BenchOptions {
  target: BenchTarget;
  backend?: string;
  batches: readonly number[];
  seqLens: readonly number[];
  reps: number;
  warmup: number;
  seed: number;
  weights?: string;
  /** Device profile to predict each cell on; default: cpu-wasm when tfjs runs on wasm. */
  predict?: string;
}

const OUTPUTS = ["last_hidden_state"];

export async function runBench(specPaths: readonly string[], options: BenchOptions): Promise<BenchResults> {
  const specs: { path: string; spec: ModelSpec }[] = [];
  for (const path of specPaths) specs.push({ path, spec: await loadSpec(path) });
  const checkpoint = options.weights === undefined ? null : readSafetensors(options.weights);

  const shapes = options.batches.flatMap((batch) => options.seqLens.map((seqLen) => ({ batch, seqLen })));
  const runnable = (spec: ModelSpec) => shapes.filter((s) => s.seqLen <= spec.maxPositions);
  const totalRuns = specs.reduce((n, { spec }) => n + runnable(spec).length * (options.warmup + options.reps), 0);
  const progress = await progressBar(totalRuns);

  const results: BenchCell[] = [];
  const skipped: BenchSkip[] = [];
  let executorLabel = options.target as string;
  let backend: string | undefined;
  try {
    for (const { path, spec } of specs) {
      for (const s of shapes) {
        if (s.seqLen > spec.maxPositions) skipped.push({ spec: path, model: spec.name, ...s, reason: `L=${s.seqLen} exceeds max_positions ${spec.maxPositions}` });
      }
      const cells = runnable(spec);
      if (cells.length === 0) continue;
      const graph = lowerToIR(spec);
      const weights: WeightMap = checkpoint ? weightsFromSafetensors(graph, checkpoint) : randomWeights(graph, options.seed);
      const executor = await createBenchExecutor(graph, weights, { target: options.target, backend: options.backend, outputs: OUTPUTS });
      executorLabel = executor.label;
      backend = executor.backend;
      const predictor = makePredictor(graph, options, backend);
      const needed = optimize(graph, { passes: ["dce"], requestedOutputs: OUTPUTS });
      try {
        for (const { batch, seqLen } of cells) {
          const label = `${spec.name} B${batch} L${seqLen}`;
          const inputs = syntheticInputs(batch, seqLen, spec.vocabSize);
          for (let i = 0; i < options.warmup; i++) {
            await executor.run(inputs);
            progress.tick(`${label} warm-up`);
          }
          const samplesMs: number[] = [];
          for (let i = 0; i < options.reps; i++) {
            const t0 = performance.now();
            await executor.run(inputs);
            samplesMs.push(performance.now() - t0);
            progress.tick(label);
          }
          const stats = sampleStats(samplesMs);
          const flops = forwardFlops(needed, { batch, seqLen }).total;
          results.push({
            spec: path, model: spec.name, batch, seqLen, flops, samplesMs, ...stats,
            gflops: flops / (stats.medianMs / 1e3) / 1e9,
            ratioToFirst: null,
            predicted: predictor ? predictor(batch, seqLen) : null,
          });
        }
      } finally {
        executor.dispose();
      }
    }
  } finally {
    progress.stop();
  }
  // Ratios to the first spec, shape by shape.
  for (const cell of results) {
    const base = results.find((r) => r.spec === specPaths[0] && r.batch === cell.batch && r.seqLen === cell.seqLen);
    cell.ratioToFirst = base ? cell.medianMs / base.medianMs : null;
  }
  return {
    format: BENCH_FORMAT,
    createdAt: new Date().toISOString(),
    environment: { node: process.version, platform: platform(), arch: arch(), cpu: cpus()[0]?.model.trim() ?? "unknown", cpus: cpus().length },
    target: options.target,
    executor: executorLabel,
    reps: options.reps,
    warmup: options.warmup,
    weights: options.weights ?? `seeded random (seed ${options.seed})`,
    outputs: OUTPUTS,
    results,
    skipped,
  };
}

/** Predicted latency per shape on the chosen (or implied) device profile, from the kernels this target runs. */
function makePredictor(graph: Graph, options: BenchOptions, backend: string | undefined): ((batch: number, seqLen: number) => { device: string; ms: number }) | null {
  const deviceName = options.predict ?? (options.target === "tfjs" && backend === "wasm" ? "cpu-wasm" : undefined);
  if (deviceName === undefined) return null;
  const device = findDevice(deviceName);
  const optimised = optimize(graph, { passes: "all", requestedOutputs: OUTPUTS });
  const plan = options.target === "wgsl" ? compileWgsl(optimised, { outputs: OUTPUTS }) : null;
  return (batch, seqLen) => {
    const kernels = plan ? kernelsFromPlan(optimised, plan, { batch, seqLen }) : kernelsFromGraph(optimised, { batch, seqLen });
    return { device: device.id, ms: predictLatency(kernels, device).seconds * 1e3 };
  };
}

/** Deterministic, unmasked token ids spread over the vocabulary. */
function syntheticInputs(batch: number, seqLen: number, vocab: number): ModelInputs {
  const ids = new Int32Array(batch * seqLen);
  for (let i = 0; i < ids.length; i++) ids[i] = (i * 7919 + 13) % vocab;
  return { batch, seqLen, inputIds: ids, attentionMask: new Float32Array(ids.length).fill(1), tokenTypeIds: new Int32Array(ids.length) };
}
