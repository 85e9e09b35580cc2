/**
 * Hugging Face `config.json` <-> ModelSpec.
 *
 * Import reads `model_type`: `convbert` follows `ConvBertConfig` (n =
 * max(1, floor(N / head_ratio)) heads in each branch, head size floor(H / n / 2));
 * `bert` and `electra` are attention-only blocks of N heads of H / N. The heads
 * come from `architectures` (hf-models.ts). An absent key takes the default of
 * THAT config class, and the importer says so in a note. Export is only
 * possible for what a ConvBERT config can say: every layer alike, as many
 * attention as conv heads of size H/n/2, no span mask, no pooler.
 */
import { UserError } from "../errors.js";
import { HF_KEY_OF_PROPERTY } from "./fields.js";
import { ACTIVATION_ALIASES, HF_MODELS, isHfModelType, type HfModelInfo, type HfModelType } from "./hf-models.js";
import { ACTIVATIONS, MAX_LAYERS, SPEC_FORMAT, type Activation, type BlockSpec, type HeadsSpec, type ModelSpec } from "./model-spec.js";
import type { HeadTerms } from "./validate.js";

/** A message about one config key (absent key: about the file). */
export interface HfKeyMessage {
  key?: string;
  message: string;
}

export interface HfImport {
  spec: ModelSpec;
  modelType: HfModelType;
  /** Per layer: ConvBERT's head terms (validate checks H % n); undefined for attention-only types. */
  headTerms: (HeadTerms | undefined)[];
  /** Problems with config keys (wrong type, unsupported model): the config cannot be imported. */
  problems: (HfKeyMessage & { key: string })[];
  /** What the import decided that the config does not say: defaults applied, heads left out. */
  notes: HfKeyMessage[];
  /** ModelSpec field path -> the config key it came from (for locating later checks). */
  keyOf: (specPath: string) => string;
}

/** Spec properties whose HF key the field table does not give (derived or nested values). */
const EXTRA_KEYS: Record<string, string> = {
  attentionHeads: "num_attention_heads",
  convHeads: "num_attention_heads",
  headSize: "num_attention_heads",
  tied: "tie_word_embeddings",
  numLabels: "num_labels",
};

export function isHfConfig(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("hidden_size" in value || "model_type" in value);
}

/** A JSON value as a message shows it (JSON.stringify prints an overflowed number as null). */
function shown(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return "a number too large to represent";
  return JSON.stringify(v) ?? String(v);
}

export function importHfConfig(config: Record<string, unknown>, fallbackName: string): HfImport {
  const problems: HfImport["problems"] = [];
  const notes: HfKeyMessage[] = [];
  const modelType = readModelType(config, problems, notes);
  const info = HF_MODELS[modelType];
  const has = (key: string) => Object.hasOwn(config, key) && config[key] !== null;
  const defaulted = new Set<string>();
  const raw = (key: string): unknown => {
    if (has(key)) return config[key];
    if (key in info.defaults) defaulted.add(key);
    return info.defaults[key];
  };
  const int = (key: string): number => {
    const v = raw(key);
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    problems.push({ key, message: `${key} must be a whole number, got ${shown(v)}` });
    return NaN;
  };

  const hidden = int("hidden_size");
  const heads = int("num_attention_heads");
  const eps = raw("layer_norm_eps");
  if (typeof eps !== "number" || !Number.isFinite(eps)) problems.push({ key: "layer_norm_eps", message: `layer_norm_eps must be a number, got ${shown(eps)}` });
  const activation = readActivation(raw("hidden_act"), problems, notes);
  const architecture = readArchitecture(config, modelType, info, problems, notes);
  refuseDecoders(config, modelType, problems);

  let block: BlockSpec;
  let ratio = NaN;
  if (info.split === "convbert") {
    ratio = int("head_ratio");
    if (ratio < 1) problems.push({ key: "head_ratio", message: `head_ratio must be at least 1, got ${ratio}` });
    const n = Math.max(1, Math.floor(heads / Math.max(1, ratio)));
    block = { attentionHeads: n, convHeads: n, headSize: Math.floor(hidden / n / 2), convKernelSize: int("conv_kernel_size"), maskSpan: false, intermediateSize: int("intermediate_size"), ffnGroups: int("num_groups"), activation };
  } else {
    if (heads >= 1 && hidden % heads !== 0) {
      problems.push({ key: "num_attention_heads", message: `hidden_size ${hidden} is not a multiple of num_attention_heads ${heads} (${info.configClass} requires it)` });
    }
    for (const key of ["head_ratio", "conv_kernel_size", "num_groups"]) if (has(key)) notes.push({ key, message: `${key} is not a ${info.configClass} setting: ignored (${modelType} blocks are attention only)` });
    block = { attentionHeads: heads, convHeads: 0, headSize: Math.floor(hidden / Math.max(1, heads)), convKernelSize: 9, maskSpan: false, intermediateSize: int("intermediate_size"), ffnGroups: 1, activation };
  }

  // BERT's embeddings are H wide; ELECTRA and ConvBERT have their own embedding_size.
  let embedding = hidden;
  if ("embedding_size" in info.defaults) embedding = int("embedding_size");
  else if (has("embedding_size") && config.embedding_size !== hidden) {
    notes.push({ key: "embedding_size", message: `embedding_size is not a ${info.configClass} setting: ignored (BERT's embeddings are hidden_size ${hidden} wide)` });
  }

  const headsSpec = readHeads(config, modelType, info, architecture, raw, problems, notes);
  // BERT's MLM transform uses hidden_act; ConvBERT's and ELECTRA's hard-code GELU (the spec's default).
  if (modelType === "bert" && headsSpec.mlm && activation !== "gelu") headsSpec.mlm.activation = activation;
  const headActivation = info.headActivation ?? activation;
  if (info.headActivation && activation !== info.headActivation && (headsSpec.mlm || headsSpec.classifier)) {
    notes.push({ key: "hidden_act", message: `${modelType}'s task heads use ${info.headActivation} whatever hidden_act says: the spec's model activation is ${info.headActivation}, the FFN's ${activation}` });
  }

  const layerCount = int("num_hidden_layers");
  const count = Number.isSafeInteger(layerCount) && layerCount >= 1 && layerCount <= MAX_LAYERS ? layerCount : 0;
  if (count === 0 && !problems.some((p) => p.key === "num_hidden_layers")) problems.push({ key: "num_hidden_layers", message: `num_hidden_layers must be between 1 and ${MAX_LAYERS}, got ${layerCount}` });
  const name = typeof config._name_or_path === "string" && config._name_or_path !== "" ? config._name_or_path : fallbackName;
  const spec: ModelSpec = {
    format: SPEC_FORMAT,
    name,
    vocabSize: int("vocab_size"),
    maxPositions: int("max_position_embeddings"),
    typeVocabSize: int("type_vocab_size"),
    padTokenId: int("pad_token_id"),
    embeddingSize: embedding,
    hiddenSize: hidden,
    layerNormEps: typeof eps === "number" ? eps : NaN,
    activation: headActivation,
    layers: Array.from({ length: count }, () => ({ ...block })),
    heads: headsSpec,
  };
  if (!headsSpec.mlm) defaulted.delete("tie_word_embeddings");
  if (defaulted.size > 0) {
    const list = [...defaulted].map((k) => `${k} ${shown(info.defaults[k])}`).join(", ");
    notes.push({ message: `not set in the config, so ${info.configClass}'s defaults apply: ${list}` });
  }
  const terms = Array.from({ length: count }, () => (info.split === "convbert" ? { heads, ratio, loc: { file: "", line: 1, column: 1 } } : undefined));
  const keyOf = (path: string) => {
    const last = path.split(".").pop() ?? "";
    return HF_KEY_OF_PROPERTY.get(last) ?? EXTRA_KEYS[last] ?? "";
  };
  return { spec, modelType, headTerms: terms, problems, notes, keyOf };
}

/** `model_type`: one convspec imports; none means ConvBERT, as convspec has always read such configs. */
function readModelType(config: Record<string, unknown>, problems: HfImport["problems"], notes: HfKeyMessage[]): HfModelType {
  const type = config.model_type;
  if (type === undefined) {
    notes.push({ message: "no model_type: read as a ConvBERT config" });
    return "convbert";
  }
  if (typeof type === "string" && isHfModelType(type)) return type;
  const supported = Object.keys(HF_MODELS).join(", ");
  problems.push({ key: "model_type", message: `model_type ${shown(type)} is not supported: convspec imports ${supported} configs` });
  return "convbert";
}

function readActivation(value: unknown, problems: HfImport["problems"], notes: HfKeyMessage[]): Activation {
  const alias = typeof value === "string" ? ACTIVATION_ALIASES[value] : undefined;
  if (alias) notes.push({ key: "hidden_act", message: `hidden_act "${String(value)}" is read as ${alias} (the same function)` });
  const name = alias ?? value;
  if (ACTIVATIONS.includes(name as Activation)) return name as Activation;
  problems.push({ key: "hidden_act", message: `hidden_act ${shown(value)} is not supported (one of ${ACTIVATIONS.join(", ")})` });
  return "gelu";
}

/** The first of `architectures` (the class the checkpoint was saved from), if the config names one. */
function readArchitecture(config: Record<string, unknown>, modelType: HfModelType, info: HfModelInfo, problems: HfImport["problems"], notes: HfKeyMessage[]): string | undefined {
  const list = config.architectures;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list) || list.some((a) => typeof a !== "string")) {
    problems.push({ key: "architectures", message: `architectures must be a list of class names, got ${shown(list)}` });
    return undefined;
  }
  const [first] = list as string[];
  if (first === undefined) return undefined;
  const known = Object.hasOwn(info.architectures, first) ? info.architectures[first] : undefined;
  if (!known) notes.push({ key: "architectures", message: `architecture ${first} is not a ${modelType} class convspec knows: imported the backbone without task heads` });
  else if (known.refused) problems.push({ key: "architectures", message: known.refused });
  else {
    if (known.dropped) notes.push({ key: "architectures", message: `${first}: ${known.dropped}` });
    if (known.poolerNote) notes.push({ key: "architectures", message: known.poolerNote });
  }
  return known ? first : undefined;
}

/** Decoder settings change the backbone's attention: not a convspec encoder. */
function refuseDecoders(config: Record<string, unknown>, modelType: HfModelType, problems: HfImport["problems"]): void {
  if (config.is_decoder === true) problems.push({ key: "is_decoder", message: "is_decoder true: a causal (decoder) model is not a convspec model; convspec models are bidirectional encoders" });
  if (config.add_cross_attention === true) problems.push({ key: "add_cross_attention", message: "add_cross_attention true: cross-attention layers have no convspec equivalent" });
  const positions = config.position_embedding_type;
  if (positions !== undefined && positions !== null && positions !== "absolute") {
    problems.push({ key: "position_embedding_type", message: `position_embedding_type ${shown(positions)} has no convspec equivalent (${modelType} with absolute position embeddings only)` });
  }
}

function readHeads(
  config: Record<string, unknown>,
  modelType: HfModelType,
  info: HfModelInfo,
  architecture: string | undefined,
  raw: (key: string) => unknown,
  problems: HfImport["problems"],
  notes: HfKeyMessage[],
): HeadsSpec {
  const tiedMlm = () => {
    const tie = raw("tie_word_embeddings");
    if (typeof tie !== "boolean") problems.push({ key: "tie_word_embeddings", message: `tie_word_embeddings must be true or false, got ${shown(tie)}` });
    return { tied: tie !== false };
  };
  if (modelType === "convbert") {
    // As convspec has always read ConvBERT configs: the generator head, and a classifier when labels are given.
    const labels = numLabels(config, problems);
    return { mlm: tiedMlm(), classifier: labels === undefined ? null : { numLabels: labels }, pooler: false };
  }
  const heads = architecture ? info.architectures[architecture] : {};
  let classifier: HeadsSpec["classifier"] = null;
  if (heads.classifier) {
    const labels = numLabels(config, problems);
    if (labels === undefined) notes.push({ message: "num_labels not set, so the PretrainedConfig default 2 applies" });
    classifier = { numLabels: labels ?? 2 };
  }
  return { mlm: heads.mlm ? tiedMlm() : null, classifier, pooler: info.pooler };
}

/** `num_labels`, or the size of `id2label`; undefined when the config has no classifier. */
function numLabels(config: Record<string, unknown>, problems: HfImport["problems"]): number | undefined {
  if (config.num_labels !== undefined) {
    if (typeof config.num_labels === "number" && Number.isSafeInteger(config.num_labels)) return config.num_labels;
    problems.push({ key: "num_labels", message: `num_labels must be a whole number, got ${shown(config.num_labels)}` });
    return undefined;
  }
  const id2label = config.id2label;
  if (typeof id2label === "object" && id2label !== null) return Object.keys(id2label).length;
  return undefined;
}

/** Why `spec` cannot be written as an HF ConvBERT config (empty when it can). */
export function hfExportProblems(spec: ModelSpec): string[] {
  const problems: string[] = [];
  const first = spec.layers[0];
  const H = spec.hiddenSize;
  if (spec.layers.some((b) => JSON.stringify(b) !== JSON.stringify(first))) problems.push("its layers differ from each other (HF ConvBERT repeats one block)");
  if (first.attentionHeads !== first.convHeads) {
    problems.push(`it has ${plural(first.attentionHeads, "attention head")} but ${plural(first.convHeads, "conv head")} (HF ConvBERT has as many of each)`);
  }
  const n = Math.max(first.attentionHeads, first.convHeads, 1);
  if (H % n !== 0 || first.headSize !== Math.floor(H / n / 2)) problems.push(`its head size ${first.headSize} is not H/n/2 = ${H}/${n}/2 (HF ConvBERT derives it)`);
  if (first.maskSpan) problems.push("it masks padded positions in the span conv (mask_span), which HF ConvBERT does not do");
  if (spec.heads.pooler) problems.push("it has a pooler, which HF ConvBERT does not have");
  if (first.activation !== spec.activation) problems.push(`its FFN activation ${first.activation} differs from the head activation ${spec.activation} (HF has one hidden_act)`);
  const mlmActivation = spec.heads.mlm?.activation ?? "gelu";
  if (mlmActivation !== "gelu") problems.push(`its MLM head uses ${mlmActivation}, and HF ConvBERT's generator head always uses gelu`);
  return problems;
}

/** The HF config.json object for `spec`; a UserError listing every reason when not expressible. */
export function exportHfConfig(spec: ModelSpec): Record<string, unknown> {
  const problems = hfExportProblems(spec);
  if (problems.length > 0) {
    throw new UserError(`spec '${spec.name}' cannot be exported as a Hugging Face ConvBERT config:\n  - ${problems.join("\n  - ")}`);
  }
  const block = spec.layers[0];
  const architecture = spec.heads.classifier ? "ConvBertForSequenceClassification" : spec.heads.mlm ? "ConvBertForMaskedLM" : "ConvBertModel";
  return {
    _name_or_path: spec.name,
    architectures: [architecture],
    model_type: "convbert",
    vocab_size: spec.vocabSize,
    hidden_size: spec.hiddenSize,
    embedding_size: spec.embeddingSize,
    num_hidden_layers: spec.layers.length,
    // n heads per branch: N = 2n with ratio 2 gives back exactly n.
    num_attention_heads: 2 * block.attentionHeads,
    head_ratio: 2,
    conv_kernel_size: block.convKernelSize,
    num_groups: block.ffnGroups,
    intermediate_size: block.intermediateSize,
    hidden_act: spec.activation,
    max_position_embeddings: spec.maxPositions,
    type_vocab_size: spec.typeVocabSize,
    layer_norm_eps: spec.layerNormEps,
    pad_token_id: spec.padTokenId,
    tie_word_embeddings: spec.heads.mlm?.tied ?? true,
    ...(spec.heads.classifier ? { num_labels: spec.heads.classifier.numLabels } : {}),
  };
}

/** "1 attention head", "12 attention heads". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
