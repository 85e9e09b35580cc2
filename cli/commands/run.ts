/**
 * `convspec run`: a model (.convspec, JSON spec or HF config.json), weights
 * (a safetensors checkpoint, or seeded random ones) and inputs (inputs.json,
 * or --text with a vocabulary) -> one forward pass on a target -> the chosen
 * outputs in a safetensors file, and/or the [MASK] predictions. A short
 * summary of what it did goes to stderr (`--quiet` silences it).
 */
import type { Command } from "commander";
import { checkBackend, TARGET_NAMES, targetNamed } from "../../compiler/backends/index.js";
import { UserError } from "../../compiler/errors.js";
import { formatBytes } from "../../compiler/io/read-file.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath } from "../../compiler/io/write-file.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs, resolveOutputs } from "../../compiler/ir/outputs.js";
import type { Graph } from "../../compiler/ir/types.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { compileFor } from "../../compiler/pipeline.js";
import type { HostTensor, ModelInputs } from "../../runtime/executor.js";
import { inputsFromJson, limitsOf, readInputsJson } from "../../runtime/inputs.js";
import { checkResources } from "../../runtime/resources.js";
import { createExecutor } from "../../runtime/targets.js";
import { readSafetensorsHeader, specWithCheckpointHeads, writeSafetensors } from "../../runtime/weights/index.js";
import { notice, setQuiet, timed, timedAsync, warn } from "../notice.js";
import { parsePassesOption } from "../options.js";
import { isConfigJson, loadModelWeights, parseSeed } from "../weights.js";
import { deviceForTarget } from "../wgsl-device.js";

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
  outputs?: string;
  saveWeights?: string;
  seed: string;
  allowNonfinite: boolean;
  memoryCheck: boolean;
  threads?: string;
  quiet?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run one forward pass and write its outputs (last_hidden_state, hidden_states.*, heads) as safetensors, or fill [MASK]s in --text")
    .argument("<model>", ".convspec, JSON spec or Hugging Face config.json")
    .option("--weights <file>", "safetensors checkpoint (HF names, `convbert.` prefix optional; or a sharded *.index.json); default: seeded random weights")
    .option("--inputs <file>", 'inputs.json: {"input_ids": [[...]], "attention_mask"?: [[...]], "token_type_ids"?: [[...]]}')
    .option("--text <text>", "text to tokenise (BERT uncased WordPiece); prints the top-k predictions per [MASK]")
    .option("--vocab <file>", "vocab.txt or tokenizer.json, for --text")
    .option("--top-k <k>", "predictions printed per [MASK]", "5")
    .option("--target <target>", TARGET_NAMES.join(" or "), "tfjs")
    .option("--backend <name>", "the target's backend (tfjs: tensorflow, webgpu, wasm, cpu; default auto: tensorflow, then webgpu on a GPU adapter, then wasm, then cpu; onnx: standard or ort operators)")
    .option("--opt <passes>", "all, none (also: every op lowered as written, no backend-tuned forms), or a comma list of passes", "all")
    .option("--output <file>", "safetensors file for the outputs (float32)")
    .option("--outputs <names>", "comma list of the outputs to write (default: every output of the run contract)")
    .option("--save-weights <file>", "also write the seeded random weights as a safetensors checkpoint (HF names), to run them again with --weights")
    .option("--seed <n>", "seed of the random weights when --weights is absent", "0")
    .option("--allow-nonfinite", "load weights holding NaN or Inf (refused by default: every output would be NaN)", false)
    .option("--no-memory-check", "run even when the estimated memory exceeds this machine's (or tfjs-wasm's 4 GiB heap)")
    .option("--threads <n>", "onnx: ONNX Runtime's intra-op threads (default: one per physical core)")
    .option("-q, --quiet", "print no summary, notes or warnings on stderr (errors only)")
    .action(async (model: string, opts: RunOptions) => {
      setQuiet(opts.quiet === true);
      await runCommand(model, opts);
    });
}

async function runCommand(modelPath: string, opts: RunOptions): Promise<void> {
  const started = performance.now();
  if ((opts.inputs === undefined) === (opts.text === undefined)) throw new UserError("give exactly one of --inputs FILE.json and --text TEXT");
  if (opts.text !== undefined && opts.vocab === undefined) throw new UserError("--text needs --vocab vocab.txt|tokenizer.json");
  if (opts.text === undefined && opts.output === undefined) throw new UserError("--output FILE.safetensors is required with --inputs");
  if (opts.outputs !== undefined && opts.output === undefined) throw new UserError("--outputs chooses what --output writes; give --output FILE.safetensors too");
  if (opts.saveWeights !== undefined && opts.weights !== undefined) throw new UserError(`--save-weights writes the seeded random weights; with --weights they are already in ${opts.weights}`);
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
  checkOutputPath(opts.saveWeights, { label: `--save-weights ${opts.saveWeights}`, inputs: inputFiles });
  if (opts.output !== undefined && opts.output === opts.saveWeights) throw new UserError("--output and --save-weights name the same file");
  if (checkpoint && isConfigJson(modelPath)) spec = specWithCheckpointHeads(spec, checkpoint);
  if (opts.text !== undefined && !spec.heads.mlm) throw new UserError(`--text needs a masked-LM head, and model '${spec.name}' has none`);
  const graph = lowerToIR(spec);

  const fill = opts.text === undefined ? null : await fillMaskInputs(opts.text, opts.vocab!, graph);
  const inputs: ModelInputs = fill ? fill.inputs : readInputsJson(opts.inputs!, graph);
  const written = opts.output === undefined ? [] : opts.outputs === undefined ? contractOutputs(graph) : outputList(opts.outputs, graph);
  // Fill-mask reads the MLM logits whatever --output writes.
  const outputs = [...new Set([...written, ...(fill ? ["mlm_logits"] : [])])];
  checkResources(graph, { batch: inputs.batch, seqLen: inputs.seqLen, outputs, target, backend: opts.backend, checkpointBytes: checkpoint?.float32Bytes }, { allowLarge: !opts.memoryCheck });
  const { weights, source, unused } = timed(opts.weights ? `reading ${opts.weights}` : `random weights (seed ${seed})`, () =>
    loadModelWeights(graph, { weights: opts.weights, seed, allowNonFinite: opts.allowNonfinite }),
  );
  if (unused.length > 0) notice(`note: ${unused.length} checkpoint tensors unused by this model (e.g. ${unused.slice(0, 3).join(", ")})`);
  if (fill && opts.weights === undefined) warn("no --weights: the weights are seeded random numbers, so the predictions below are noise");

  // WGSL tiles are chosen for this input's shape.
  const { device, options: forDevice } = await deviceForTarget(target);
  const options = { backend: opts.backend, shape: { B: inputs.batch, L: inputs.seqLen }, ...forDevice };
  const { artifact } = compileFor(target, graph, { outputs, passes: parsePassesOption(opts.opt), options });
  const executor = await timedAsync(`preparing the ${target} executor`, () => createExecutor(target, artifact, weights, { device, threads }));
  try {
    const forwardStart = performance.now();
    const result = await timedAsync(`forward pass (B=${inputs.batch}, L=${inputs.seqLen})`, () => executor.run(inputs, outputs));
    const forwardMs = performance.now() - forwardStart;
    const runsOn = executor.runsOn ?? (opts.backend ? `${target} ${opts.backend}` : target);
    notice(`convspec run: model '${spec.name}' on ${runsOn}; ${source}; inputs B=${inputs.batch} L=${inputs.seqLen}`);
    if (opts.output !== undefined) {
      const chosen = Object.fromEntries(written.map((name) => [name, result[name]]));
      await writeSafetensors(opts.output, chosen, { generator: "convspec run", model: spec.name, target }, { label: `--output ${opts.output}`, inputs: inputFiles });
      notice(`  wrote ${opts.output}: ${describeOutputs(chosen)}`);
    }
    if (opts.saveWeights !== undefined) {
      await writeSafetensors(opts.saveWeights, Object.fromEntries(weights), { generator: "convspec run --save-weights", model: spec.name, seed: String(seed) }, { label: `--save-weights ${opts.saveWeights}`, inputs: inputFiles });
      notice(`  wrote ${opts.saveWeights}: the ${weights.size} weight tensors (seed ${seed}), HF names`);
    }
    notice(`  forward ${formatMs(forwardMs)}, all ${formatMs(performance.now() - started)}`);
    if (fill) {
      for (const { position, candidates } of fill.predict(result.mlm_logits, topK)) {
        process.stdout.write(`[MASK] at ${position}: ${candidates.join(", ")}\n`);
      }
    }
  } finally {
    executor.dispose();
    device?.destroy();
  }
}

/** `--outputs a,b`: graph output names, each checked (did-you-mean on a typo). */
function outputList(text: string, graph: Graph): string[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UserError("--outputs needs at least one output name");
  resolveOutputs(graph, names);
  return [...new Set(names)];
}

/** `last_hidden_state [1,9,256], mlm_logits [1,9,30522] (2 outputs, 1.1 MiB)`, runs of hidden_states folded. */
function describeOutputs(tensors: Record<string, HostTensor>): string {
  const names = Object.keys(tensors);
  const hidden = names.filter((n) => n.startsWith("hidden_states."));
  const shown = names.filter((n) => !n.startsWith("hidden_states.")).map((n) => `${n} [${tensors[n].shape.join(",")}]`);
  if (hidden.length > 0) shown.push(hidden.length === 1 ? `${hidden[0]} [${tensors[hidden[0]].shape.join(",")}]` : `hidden_states.* (${hidden.length})`);
  const bytes = Object.values(tensors).reduce((sum, t) => sum + 4 * t.data.length, 0);
  return `${shown.join(", ")} (${names.length} output${names.length === 1 ? "" : "s"}, ${formatBytes(bytes)})`;
}

const formatMs = (ms: number): string => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);

/** --text: tokenised inputs, checks that warn about what would make the predictions meaningless, and the predictor. */
async function fillMaskInputs(text: string, vocabPath: string, graph: Graph) {
  // Loaded only for --text: the tokenizer package is no small part of a start.
  const { loadTokenizer, predictMasks } = await import("../../runtime/tokenizer/index.js");
  const tokenizer = loadTokenizer(vocabPath);
  if (tokenizer.vocabSize !== graph.spec.vocabSize) {
    warn(`the vocabulary ${vocabPath} has ${tokenizer.vocabSize} tokens but model '${graph.spec.name}' has vocab ${graph.spec.vocabSize}: ids may not mean what the model learnt`);
  }
  const encoded = tokenizer.encode(text);
  if (!encoded.ids.includes(tokenizer.maskId)) {
    const lower = /\[mask\]/i.test(text) ? " (special tokens are case-sensitive: write [MASK] in capitals)" : "";
    warn(`--text has no [MASK]${lower}: there is nothing to predict`);
  }
  return {
    inputs: inputsFromJson({ input_ids: [encoded.ids] }, limitsOf(graph), `--text (tokenised by ${vocabPath})`),
    predict: (logits: HostTensor, topK: number) =>
      predictMasks(logits, encoded.ids, tokenizer.maskId, topK).map(({ position, candidates }) => ({
        position,
        candidates: candidates.map((c) => `${tokenizer.token(c.id)} (${c.probability.toFixed(3)})`),
      })),
  };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}
