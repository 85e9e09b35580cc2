/**
 * Every spec field, once: its `.convspec` word, the scope it is written in,
 * the ModelSpec property it sets, the Hugging Face config key, its type and
 * its default. The DSL keywords and scopes (dsl/tokens.ts), the defaults the
 * resolver applies (dsl/expand.ts), the HF key map (hf-config.ts) and
 * `.convspec` printing (print-dsl.ts) read this table; a test checks it
 * against model-spec.schema.json.
 */
import type { BlockSpec, HeadsSpec, ModelSpec } from "./model-spec.js";

/** Where a field is written: directly in `model { }`, in `block { }` / `layers a..b { }`, in `ffn { }`, in `heads { }`. */
export type FieldScope = "model" | "block" | "ffn" | "heads";

/** The value a field takes. `word` fields take one of `words`; `count` is an integer or `none`. */
export type FieldType = "integer" | "number" | "boolean" | "activation" | "word" | "count";

/** Absent field: `required`, a constant, or the value of another field of the model (`embedding` defaults to `hidden`). */
export type FieldDefault = "required" | number | boolean | string | null | { sameAs: string };

interface FieldBase {
  word: string;
  type: FieldType;
  /** Hugging Face config key (ConvBertConfig naming). */
  hfKey?: string;
  default?: FieldDefault;
  /** print-dsl leaves the field out of `block { }` when it has its default. */
  omitWhenDefault?: boolean;
  /** A span-conv setting: print-dsl leaves it out of a block without conv heads when it has its default. */
  spanConv?: boolean;
  /** print-dsl: the model-level line (1-3) the field is printed on. */
  printLine?: number;
  words?: readonly string[];
}

export type FieldDef =
  | (FieldBase & { scope: "model"; property: keyof ModelSpec })
  /** `heads` and `ratio` set no property of their own: the head split is derived from them. */
  | (FieldBase & { scope: "block"; property?: keyof BlockSpec })
  | (FieldBase & { scope: "ffn"; property: keyof BlockSpec })
  /** `subProperty`: the field sets a property of that head's object (`mlm_activation` -> heads.mlm.activation). */
  | (FieldBase & { scope: "heads"; property: keyof HeadsSpec; subProperty?: "activation" });

export const FIELDS: readonly FieldDef[] = [
  { word: "vocab", scope: "model", property: "vocabSize", hfKey: "vocab_size", type: "integer", default: "required", printLine: 1 },
  { word: "max_positions", scope: "model", property: "maxPositions", hfKey: "max_position_embeddings", type: "integer", default: 512, printLine: 1 },
  { word: "type_vocab", scope: "model", property: "typeVocabSize", hfKey: "type_vocab_size", type: "integer", default: 2, printLine: 1 },
  { word: "pad_id", scope: "model", property: "padTokenId", hfKey: "pad_token_id", type: "integer", default: 0, printLine: 1 },
  { word: "embedding", scope: "model", property: "embeddingSize", hfKey: "embedding_size", type: "integer", default: { sameAs: "hidden" }, printLine: 2 },
  { word: "hidden", scope: "model", property: "hiddenSize", hfKey: "hidden_size", type: "integer", default: "required", printLine: 2 },
  // `layers N` is the count; `layers a..b { }` overrides block fields on a range.
  { word: "layers", scope: "model", property: "layers", hfKey: "num_hidden_layers", type: "integer", default: "required", printLine: 2 },
  { word: "layer_norm_eps", scope: "model", property: "layerNormEps", hfKey: "layer_norm_eps", type: "number", default: 1e-12, printLine: 3 },
  { word: "activation", scope: "model", property: "activation", hfKey: "hidden_act", type: "activation", default: "gelu", printLine: 3 },
  // The head split: HF terms (heads, ratio) or explicit (attention_heads, conv_heads, head_size); expand.ts derives the properties.
  { word: "heads", scope: "block", hfKey: "num_attention_heads", type: "integer" },
  { word: "ratio", scope: "block", hfKey: "head_ratio", type: "integer", default: 2 },
  { word: "attention_heads", scope: "block", property: "attentionHeads", type: "integer" },
  { word: "conv_heads", scope: "block", property: "convHeads", type: "integer" },
  { word: "head_size", scope: "block", property: "headSize", type: "integer" },
  { word: "kernel", scope: "block", property: "convKernelSize", hfKey: "conv_kernel_size", type: "integer", default: 9, spanConv: true },
  { word: "mask_span", scope: "block", property: "maskSpan", type: "boolean", default: false, omitWhenDefault: true, spanConv: true },
  { word: "intermediate", scope: "ffn", property: "intermediateSize", hfKey: "intermediate_size", type: "integer", default: "required" },
  { word: "groups", scope: "ffn", property: "ffnGroups", hfKey: "num_groups", type: "integer", default: 1 },
  { word: "activation", scope: "ffn", property: "activation", hfKey: "hidden_act", type: "activation", default: { sameAs: "activation" }, omitWhenDefault: true },
  { word: "mlm", scope: "heads", property: "mlm", hfKey: "tie_word_embeddings", type: "word", words: ["tied", "untied", "none"], default: null },
  { word: "mlm_activation", scope: "heads", property: "mlm", subProperty: "activation", type: "activation", default: "gelu", omitWhenDefault: true },
  { word: "classifier", scope: "heads", property: "classifier", hfKey: "num_labels", type: "count", default: null },
  { word: "pooler", scope: "heads", property: "pooler", type: "boolean", default: false },
];

export function fieldsOf<S extends FieldScope>(scope: S): Extract<FieldDef, { scope: S }>[] {
  return FIELDS.filter((f): f is Extract<FieldDef, { scope: S }> => f.scope === scope);
}

/** The table entry for `word` in `scope`. */
export function fieldDef(scope: FieldScope, word: string): FieldDef | undefined {
  return FIELDS.find((f) => f.scope === scope && f.word === word);
}

/** The scopes a word is a field of (`activation`: model and ffn). */
export function scopesOf(word: string): FieldScope[] {
  return FIELDS.filter((f) => f.word === word).map((f) => f.scope);
}

/** ModelSpec property (model, block or heads) -> HF config key. */
export const HF_KEY_OF_PROPERTY: ReadonlyMap<string, string> = new Map(
  FIELDS.filter((f) => f.property !== undefined && f.hfKey !== undefined).map((f) => [f.property!, f.hfKey!] as const),
);
