/**
 * `convspec run`: a model (.convspec, JSON spec or HF config.json), weights
 * (a safetensors checkpoint, or seeded random ones) and inputs (inputs.json,
 * or --text with a vocabulary) -> one forward pass on a target -> every
 * contract output in a safetensors file, and/or the [MASK] predictions.
 */
import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath } from "../../compiler/io/write-file.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { checkBackend, TARGET_NAMES, targetNamed } from "../../compiler/backends/index.js";
import { compileFor } from "../../compiler/pipeline.js";
import type { ModelInputs } from "../../runtime/executor.js";
import { inputsFromJson, limitsOf, readInputsJson } from "../../runtime/inputs.js";
import { checkResources } from "../../runtime/resources.js";
import { createExecutor } from "../../runtime/targets.js";
import { loadTokenizer, predictMasks } from "../../runtime/tokenizer/index.js";
import { readSafetensorsHeader, specWithCheckpointHeads, writeSafetensors } from "../../runtime/weights/index.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { notice } from "../notice.js";
import { parsePassesOption } from "../options.js";
import { isConfigJson, loadModelWeights, parseSeed } from "../weights.js";

interface RunOptions {
  weights?: string;
  inputs?: string;
  text?: string;
  vocab?: string;
  topK: string;
  target: string;
  backend?: string;
  opt: string;
  output?: string;
  seed: string;
  allowNonfinite: boolean;
  memoryCheck: boolean;
  threads?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run one forward pass and write every output (last_hidden_state, hidden_states.*, heads) as safetensors")
    .argument("<model>", ".convspec, JSON spec or Hugging Face config.json")
    .option("--weights <file>", "safetensors checkpoint (HF names, `convbert.` prefix optional); default: seeded random weights")
    .option("--inputs <file>", 'inputs.json: {"input_ids": [[...]], "attention_mask"?: [[...]], "token_type_ids"?: [[...]]}')
    .option("--text <text>", "text to tokenise (BERT uncased WordPiece); prints the top-k predictions per [MASK]")
    .option("--vocab <file>", "vocab.txt or tokenizer.json, for --text")
    .option("--top-k <k>", "predictions printed per [MASK]", "5")
    .option("--target <target>", TARGET_NAMES.join(" or "), "tfjs")
    .option("--backend <name>", "the target's backend (tfjs: tensorflow, webgpu, wasm, cpu; default auto: tensorflow, then webgpu on a GPU adapter, then wasm, then cpu)")
    .option("--opt <passes>", "all, none (also: every op lowered as written, no backend-tuned forms), or a comma list of passes", "all")
    .option("--output <file>", "safetensors file for the outputs (float32)")
    .option("--seed <n>", "seed of the random weights when --weights is absent", "0")
    .option("--allow-nonfinite", "load weights holding NaN or Inf (refused by default: every output would be NaN)", false)
    .option("--no-memory-check", "run even when the estimated memory exceeds this machine's (or tfjs-wasm's 4 GiB heap)")
    .option("--threads <n>", "onnx: ONNX Runtime's intra-op threads (default: one per physical core)")
    .action(async (model: string, opts: RunOptions) => {
      await runCommand(model, opts);
    });
}

async function runCommand(modelPath: string, opts: RunOptions): Promise<void> {
  if ((opts.inputs === undefined) === (opts.text === undefined)) throw new UserError("give exactly one of --inputs FILE.json and --text TEXT");
  if (opts.text !== undefined && opts.vocab === undefined) throw new UserError("--text needs --vocab vocab.txt|tokenizer.json");
  if (opts.text === undefined && opts.output === undefined) throw new UserError("--output FILE.safetensors is required with --inputs");
  const target = targetNamed(opts.target);
  checkBackend(target, opts.backend);
  const topK = positiveInt(opts.topK, "--top-k");
  const seed = parseSeed(opts.seed);
  const threads = opts.threads === undefined ? undefined : positiveInt(opts.threads, "--threads");
  if (threads !== undefined && target !== "onnx") throw new UserError(`--threads sets ONNX Runtime's threads; it does not apply to --target ${target}`);

  const loaded = await loadSpecWithSources(modelPath);
  let spec = loaded.spec;
  const checkpoint = opts.weights === undefined ? null : readSafetensorsHeader(opts.weights);
  const inputFiles = new CommandInputs().addSpec(loaded.sources).addAll(checkpoint?.files ?? [], "--weights").add(opts.inputs, "--inputs").add(opts.vocab, "--vocab");
  checkOutputPath(opts.output, { label: `--output ${opts.output}`, inputs: inputFiles });
  if (checkpoint && isConfigJson(modelPath)) spec = specWithCheckpointHeads(spec, checkpoint);
  if (opts.text !== undefined && !spec.heads.mlm) throw new UserError(`--text needs a masked-LM head, and model '${spec.name}' has none`);
  const graph = lowerToIR(spec);

  const tokenizer = opts.text === undefined ? null : loadTokenizer(opts.vocab!);
  const encoded = tokenizer?.encode(opts.text!);
  const inputs: ModelInputs = encoded
    ? inputsFromJson({ input_ids: [encoded.ids] }, limitsOf(graph), `--text (tokenised by ${opts.vocab})`)
    : readInputsJson(opts.inputs!, graph);

  // Without --output only the fill-mask predictions are printed: the MLM logits suffice.
  const outputs = opts.output !== undefined ? contractOutputs(graph) : ["mlm_logits"];
  checkResources(graph, { batch: inputs.batch, seqLen: inputs.seqLen, outputs, target, backend: opts.backend, checkpointBytes: checkpoint?.float32Bytes }, { allowLarge: !opts.memoryCheck });
  const { weights, unused } = timed(opts.weights ? `reading ${opts.weights}` : `random weights (seed ${seed})`, () =>
    loadModelWeights(graph, { weights: opts.weights, seed, allowNonFinite: opts.allowNonfinite }),
  );
  if (unused.length > 0 && process.stderr.isTTY) {
    process.stderr.write(`note: ${unused.length} checkpoint tensors unused by this model (e.g. ${unused.slice(0, 3).join(", ")})\n`);
  }
  // WGSL: the device first, so the kernels may use its features; tiles are chosen for this input's shape.
  const device = target === "wgsl" ? await (await import("../../runtime/webgpu/device.js")).createDevice() : undefined;
  const options = { backend: opts.backend, shape: { B: inputs.batch, L: inputs.seqLen }, features: device ? [...device.features] : undefined };
  const { artifact } = compileFor(target, graph, { outputs, passes: parsePassesOption(opts.opt), options });
  const executor = await timedAsync(`preparing the ${target} executor`, () => createExecutor(target, artifact, weights, { device, threads }));
  // Only a choice made here is news: an explicit --backend is what the user asked for.
  if (opts.backend === undefined && executor.runsOn !== undefined) notice(executor.runsOn);
  try {
    const result = await timedAsync(`forward pass (B=${inputs.batch}, L=${inputs.seqLen})`, () => executor.run(inputs, outputs));
    if (opts.output !== undefined) {
      await writeSafetensors(opts.output, result, { generator: "convspec run", model: spec.name, target: opts.target }, { label: `--output ${opts.output}`, inputs: inputFiles });
    }
    if (tokenizer && encoded) {
      for (const { position, candidates } of predictMasks(result.mlm_logits, encoded.ids, tokenizer.maskId, topK)) {
        const list = candidates.map((c) => `${tokenizer.token(c.id)} (${c.probability.toFixed(3)})`).join(", ");
        process.stdout.write(`[MASK] at ${position}: ${list}\n`);
      }
    }
  } finally {
    executor.dispose();
    device?.destroy();
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

/** Progress on a terminal (stderr): long steps say what they do and how long they took. */
function timed<T>(what: string, work: () => T): T {
  if (!process.stderr.isTTY) return work();
  process.stderr.write(`${what}...`);
  const start = performance.now();
  const result = work();
  process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
  return result;
}

async function timedAsync<T>(what: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work();
  process.stderr.write(`${what}...`);
  const start = performance.now();
  const result = await work();
  process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
  return result;
}
