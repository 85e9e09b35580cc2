/**
 * `bench`: every runner (row kind) on every case, against the Hugging Face
 * reference when hf_reference.py produced one. Each case gets an equal share
 * of the time left, so the step ends inside its cap; the summary is rewritten
 * after every row.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createDevice, flopsPerForward, loadModel, loadModelWeights, randomModelWeights, readInputs, type Graph, type ModelInputs, type WeightMap, type WebGpuBackend } from "./convspec-api.js";
import { byKernel, measure, type BenchCase, type BenchRunner } from "./measure.js";
import { readReference, type Reference } from "./reference.js";
import { writeJsonAtomic, writeResult, writeSummary, type ResultRecord } from "./results.js";
import { wgslLegacyRunner, wgslRunner } from "./runners/wgsl.js";

/** Row kinds by name: a new one (e.g. tfjs-webgpu) is one more entry. */
const RUNNERS: Record<string, (graph: Graph, weights: WeightMap, device: GPUDevice) => Promise<BenchRunner>> = {
  wgsl: wgslRunner,
  "wgsl-legacy": wgslLegacyRunner,
};
export const RUNNER_NAMES = Object.keys(RUNNERS);

export interface BenchOptions {
  model: string;
  reference?: string;
  backend: WebGpuBackend;
  cases: string[];
  runners: string[];
  reps: number;
  /** Time for the whole step; cases share what is left. */
  seconds: number;
  profile: boolean;
  tolerance: number;
  outDir?: string;
}

/** The inputs hf_reference.py makes, for runs without its reference: ids spread over the vocabulary, odd rows padded at the end. */
function syntheticInputs(batch: number, seqLen: number, vocab: number, typeVocab: number): ModelInputs {
  const n = batch * seqLen;
  const inputIds = Int32Array.from({ length: n }, (_, i) => (i * 7919 + 13) % vocab);
  const attentionMask = Float32Array.from({ length: n }, (_, i) => (i % seqLen >= seqLen - (Math.floor(i / seqLen) % 2) * Math.min(3, seqLen - 1) ? 0 : 1));
  const tokenTypeIds = Int32Array.from({ length: n }, (_, i) => (typeVocab > 1 && i % seqLen >= seqLen / 2 ? 1 : 0));
  return { batch, seqLen, inputIds, attentionMask, tokenTypeIds };
}

export function parseCase(name: string): { batch: number; seqLen: number } {
  const m = /^b(\d+)l(\d+)$/.exec(name);
  if (!m) throw new Error(`bad case '${name}' (expected e.g. b1l128)`);
  return { batch: Number(m[1]), seqLen: Number(m[2]) };
}

export async function bench(o: BenchOptions): Promise<number> {
  const deadline = performance.now() + o.seconds * 1000;
  const unknown = o.runners.filter((r) => !(r in RUNNERS));
  if (unknown.length > 0) throw new Error(`unknown runner(s) ${unknown.join(", ")}; known: ${RUNNER_NAMES.join(", ")}`);
  const { spec, graph } = await loadModel(o.model);
  const flopsOf = (b: number, l: number) => flopsPerForward(graph, b, l);
  let reference: Reference | null = null;
  if (o.reference && existsSync(o.reference)) reference = readReference(o.reference);
  else console.log(`no Hugging Face reference (${o.reference ?? "none given"}): seeded random weights, correctness not checked`);
  const weights = reference ? loadModelWeights(graph, reference.weightsPath) : randomModelWeights(graph, 0);
  const device = await createDevice({ backend: o.backend, features: ["timestamp-query"] });
  const runners: BenchRunner[] = [];
  for (const name of o.runners) runners.push(await RUNNERS[name](graph, weights, device));

  let failures = 0;
  for (const [i, name] of o.cases.entries()) {
    const { batch, seqLen } = parseCase(name);
    const until = performance.now() + (deadline - performance.now()) / (o.cases.length - i);
    const ref = reference?.find(name);
    const c: BenchCase = ref
      ? { name, inputs: readInputs(reference!.inputsPath(ref), graph), flops: flopsOf(batch, seqLen), expected: reference!.expected(ref) }
      : { name, inputs: syntheticInputs(batch, seqLen, spec.vocabSize, spec.typeVocabSize), flops: flopsOf(batch, seqLen) };
    for (const r of runners) {
      let record: ResultRecord;
      try {
        record = await measure(r, c, { reps: o.reps, until, tolerance: o.tolerance });
        if (record.maxAbsErr != null && record.maxAbsErr > o.tolerance) failures++;
      } catch (e) {
        failures++;
        record = { runner: r.runner, device: r.device, case: name, batch, seqLen, status: "failed", reason: (e as Error).message.split("\n")[0] };
      }
      const err = record.maxAbsErr == null ? "not checked (no reference)" : `${record.maxAbsErr.toExponential(2)} ${record.maxAbsErr <= o.tolerance ? "ok" : "FAIL"}`;
      console.log(
        record.status === "ok"
          ? `${r.runner} B${batch} L${seqLen}: wall ${record.wallMs!.median.toFixed(2)} ms (n=${record.wallMs!.n})` +
              `${record.gpuMs ? `, GPU ${record.gpuMs.median.toFixed(2)} ms` : ", no GPU timestamps"}, max abs err vs f64 ${err} [${r.device}]`
          : `${r.runner} B${batch} L${seqLen}: ${record.status}: ${record.reason}`,
      );
      if (o.outDir) {
        writeResult(o.outDir, record);
        writeSummary(o.outDir, flopsOf);
      }
      if (o.profile && r.dispatchProfile && record.status === "ok") await writeProfile(r, c, o.outDir);
    }
  }
  for (const r of runners) r.dispose();
  device.destroy();
  return failures === 0 ? 0 : 1;
}

async function writeProfile(r: BenchRunner, c: BenchCase, outDir: string | undefined): Promise<void> {
  const dispatches = await r.dispatchProfile!(c.inputs);
  const kernels = byKernel(dispatches);
  const total = kernels.reduce((a, k) => a + k.ms, 0);
  console.log(`  per-dispatch profile (${dispatches.length} dispatches, ${total.toFixed(2)} ms summed):`);
  for (const k of kernels.slice(0, 8)) console.log(`    ${k.ms.toFixed(3).padStart(9)} ms  ${String(k.calls).padStart(4)}x  ${k.kernel}`);
  if (outDir) {
    mkdirSync(join(outDir, "profiles"), { recursive: true });
    writeJsonAtomic(join(outDir, "profiles", `${r.runner}-${c.name}.json`), { runner: r.runner, device: r.device, case: c.name, kernels, dispatches });
  }
}
