/**
 * Hugging Face ConvBERT `config.json` <-> ModelSpec.
 *
 * Import follows `ConvBertConfig` and its defaults: n = max(1, floor(N / head_ratio))
 * heads in each branch, head size floor(H / n / 2). Export is only possible for
 * what a ConvBERT config can say: every layer alike, as many attention as conv
 * heads of size H/n/2, no span mask, no pooler.
 */
import { UserError } from "../errors.js";
import { ACTIVATIONS, MAX_LAYERS, SPEC_FORMAT, type Activation, type ModelSpec } from "./model-spec.js";
import type { HeadTerms } from "./validate.js";

export interface HfImport {
  spec: ModelSpec;
  headTerms: HeadTerms[];
  /** Problems with single config keys (wrong type), by key. */
  problems: { key: string; message: string }[];
  /** ModelSpec field path -> the config key it came from (for locating later checks). */
  keyOf: (specPath: string) => string;
}

/** `ConvBertConfig.__init__` defaults (transformers), used when a key is absent. */
const DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: "gelu",
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  pad_token_id: 1,
  embedding_size: 768,
  head_ratio: 2,
  conv_kernel_size: 9,
  num_groups: 1,
} as const;

const SPEC_TO_KEY: Record<string, string> = {
  vocabSize: "vocab_size",
  hiddenSize: "hidden_size",
  embeddingSize: "embedding_size",
  maxPositions: "max_position_embeddings",
  typeVocabSize: "type_vocab_size",
  padTokenId: "pad_token_id",
  layerNormEps: "layer_norm_eps",
  activation: "hidden_act",
  layers: "num_hidden_layers",
  attentionHeads: "num_attention_heads",
  convHeads: "num_attention_heads",
  headSize: "num_attention_heads",
  convKernelSize: "conv_kernel_size",
  intermediateSize: "intermediate_size",
  ffnGroups: "num_groups",
  mlm: "tie_word_embeddings",
  tied: "tie_word_embeddings",
  classifier: "num_labels",
  numLabels: "num_labels",
};

export function isHfConfig(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("hidden_size" in value || "model_type" in value);
}

export function importHfConfig(config: Record<string, unknown>, fallbackName: string): HfImport {
  const problems: HfImport["problems"] = [];
  const int = (key: keyof typeof DEFAULTS): number => {
    const v = config[key] ?? DEFAULTS[key];
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    problems.push({ key, message: `${key} must be a whole number, got ${JSON.stringify(v)}` });
    return NaN;
  };
  const hidden = int("hidden_size");
  const heads = int("num_attention_heads");
  const ratio = int("head_ratio");
  const eps = config.layer_norm_eps ?? DEFAULTS.layer_norm_eps;
  if (typeof eps !== "number") problems.push({ key: "layer_norm_eps", message: `layer_norm_eps must be a number, got ${JSON.stringify(eps)}` });
  const act = config.hidden_act ?? DEFAULTS.hidden_act;
  if (!ACTIVATIONS.includes(act as Activation)) problems.push({ key: "hidden_act", message: `hidden_act ${JSON.stringify(act)} is not supported (one of ${ACTIVATIONS.join(", ")})` });
  const activation = (ACTIVATIONS.includes(act as Activation) ? act : "gelu") as Activation;
  if (ratio < 1) problems.push({ key: "head_ratio", message: `head_ratio must be at least 1, got ${ratio}` });
  const n = Math.max(1, Math.floor(heads / Math.max(1, ratio)));
  const layerCount = int("num_hidden_layers");
  const block = {
    attentionHeads: n,
    convHeads: n,
    headSize: Math.floor(hidden / n / 2),
    convKernelSize: int("conv_kernel_size"),
    maskSpan: false,
    intermediateSize: int("intermediate_size"),
    ffnGroups: int("num_groups"),
    activation,
  };
  const tie = config.tie_word_embeddings ?? true;
  if (typeof tie !== "boolean") problems.push({ key: "tie_word_embeddings", message: `tie_word_embeddings must be true or false, got ${JSON.stringify(tie)}` });
  const labels = numLabels(config, problems);
  const name = typeof config._name_or_path === "string" && config._name_or_path !== "" ? config._name_or_path : fallbackName;
  const count = Number.isSafeInteger(layerCount) && layerCount >= 1 && layerCount <= MAX_LAYERS ? layerCount : 0;
  if (count === 0 && !problems.some((p) => p.key === "num_hidden_layers")) problems.push({ key: "num_hidden_layers", message: `num_hidden_layers must be between 1 and ${MAX_LAYERS}, got ${layerCount}` });
  const spec: ModelSpec = {
    format: SPEC_FORMAT,
    name,
    vocabSize: int("vocab_size"),
    maxPositions: int("max_position_embeddings"),
    typeVocabSize: int("type_vocab_size"),
    padTokenId: int("pad_token_id"),
    embeddingSize: int("embedding_size"),
    hiddenSize: hidden,
    layerNormEps: typeof eps === "number" ? eps : NaN,
    activation,
    layers: Array.from({ length: count }, () => ({ ...block })),
    heads: { mlm: { tied: tie !== false }, classifier: labels === undefined ? null : { numLabels: labels }, pooler: false },
  };
  const terms = Array.from({ length: count }, () => ({ heads, ratio, loc: { file: "", line: 1, column: 1 } }));
  const keyOf = (path: string) => SPEC_TO_KEY[path.split(".").pop() ?? ""] ?? "";
  return { spec, headTerms: terms, problems, keyOf };
}

/** `num_labels`, or the size of `id2label`; undefined when the config has no classifier. */
function numLabels(config: Record<string, unknown>, problems: HfImport["problems"]): number | undefined {
  if (config.num_labels !== undefined) {
    if (typeof config.num_labels === "number" && Number.isSafeInteger(config.num_labels)) return config.num_labels;
    problems.push({ key: "num_labels", message: `num_labels must be a whole number, got ${JSON.stringify(config.num_labels)}` });
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
  if (first.attentionHeads !== first.convHeads) problems.push(`it has ${first.attentionHeads} attention heads but ${first.convHeads} conv heads (HF ConvBERT has as many of each)`);
  const n = Math.max(first.attentionHeads, first.convHeads, 1);
  if (H % n !== 0 || first.headSize !== Math.floor(H / n / 2)) problems.push(`its head size ${first.headSize} is not H/n/2 = ${H}/${n}/2 (HF ConvBERT derives it)`);
  if (first.maskSpan) problems.push("it masks padded positions in the span conv (mask_span), which HF ConvBERT does not do");
  if (spec.heads.pooler) problems.push("it has a pooler, which HF ConvBERT does not have");
  if (first.activation !== spec.activation) problems.push(`its FFN activation ${first.activation} differs from the head activation ${spec.activation} (HF has one hidden_act)`);
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
