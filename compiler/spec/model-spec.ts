/**
 * The resolved model spec: a plain JSON object, the contract between the
 * front end (DSL, JSON spec, HF config.json) and everything after it.
 * Every layer is listed explicitly (per-layer overrides already applied), so
 * later stages never re-resolve defaults. Validated by `model-spec.schema.json`.
 */

export const SPEC_FORMAT = "convspec/1" as const;

/** More layers than this is a typo, not a model; also keeps a mistyped count from exhausting memory (the schema's maxItems). */
export const MAX_LAYERS = 4096;

/** Activation names as Hugging Face spells them in `hidden_act`. */
export type Activation = "gelu" | "gelu_new" | "relu" | "tanh" | "silu";
export const ACTIVATIONS: readonly Activation[] = ["gelu", "gelu_new", "relu", "tanh", "silu"];

/** One mixed-attention block (attention + span conv + grouped FFN). */
export interface BlockSpec {
  /** Self-attention heads (0 allowed: a pure dynamic-convolution block). */
  attentionHeads: number;
  /** Span-based dynamic convolution heads (0 allowed: a plain BERT block). */
  convHeads: number;
  /** Channels per head, shared by both branches. */
  headSize: number;
  /** Span kernel size K (odd). Irrelevant when convHeads is 0 but still recorded. */
  convKernelSize: number;
  /** Zero padded positions inside the span. HF ConvBERT does not (it leaks them): false. */
  maskSpan: boolean;
  /** FFN inner width I. */
  intermediateSize: number;
  /** FFN groups G: both FFN linears are block-diagonal with G blocks. */
  ffnGroups: number;
  /** FFN activation. */
  activation: Activation;
}

export interface MlmHeadSpec {
  /** LM head weight shared with the word embeddings. */
  tied: boolean;
  /**
   * The transform's activation, before its LayerNorm. Hugging Face's ConvBERT
   * and ELECTRA heads hard-code GELU here, whatever `hidden_act` says; BERT's
   * uses `hidden_act`. Absent: gelu.
   */
  activation?: Activation;
}

export interface ClassifierHeadSpec {
  numLabels: number;
}

export interface HeadsSpec {
  mlm: MlmHeadSpec | null;
  classifier: ClassifierHeadSpec | null;
  /** BERT's pooler: tanh(dense(h[:, 0])). Counted in the backbone. */
  pooler: boolean;
}

export interface ModelSpec {
  format: typeof SPEC_FORMAT;
  name: string;
  vocabSize: number;
  maxPositions: number;
  typeVocabSize: number;
  padTokenId: number;
  /** E: width of the embedding tables. A projection to H appears when E != H. */
  embeddingSize: number;
  /** H: width of the residual stream. */
  hiddenSize: number;
  layerNormEps: number;
  /** Activation of the task heads (HF `hidden_act`). */
  activation: Activation;
  /** One entry per layer, in order; its length is the layer count. */
  layers: BlockSpec[];
  heads: HeadsSpec;
}

/** Width of the query projection: it serves both branches (attention and conv gating). */
export function queryWidth(block: BlockSpec): number {
  return block.headSize * Math.max(block.attentionHeads, block.convHeads);
}
