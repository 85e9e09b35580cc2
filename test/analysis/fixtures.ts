/**
 * Hand-built ModelSpecs for the analysis and pass tests: the five real
 * configurations (reference doc, ../shared/golden/param-counts.json), a
 * heterogeneous random-weight spec, and HF config.json -> spec for the golden
 * cases (as test/reference/interpreter.test.ts does, until the front end's
 * HF import is in).
 */
import { SPEC_FORMAT, type Activation, type BlockSpec, type ModelSpec } from "../../compiler/spec/model-spec.js";

interface Shape {
  name: string;
  hidden: number;
  embedding: number;
  attentionHeads: number;
  convHeads: number;
  headSize: number;
  intermediate: number;
  groups: number;
  pooler: boolean;
}

function realSpec(s: Shape): ModelSpec {
  const block: BlockSpec = {
    attentionHeads: s.attentionHeads, convHeads: s.convHeads, headSize: s.headSize, convKernelSize: 9, maskSpan: false,
    intermediateSize: s.intermediate, ffnGroups: s.groups, activation: "gelu",
  };
  return {
    format: SPEC_FORMAT, name: s.name, vocabSize: 30522, maxPositions: 512, typeVocabSize: 2, padTokenId: 0,
    embeddingSize: s.embedding, hiddenSize: s.hidden, layerNormEps: 1e-12, activation: "gelu",
    layers: Array.from({ length: 12 }, () => ({ ...block })),
    heads: { mlm: { tied: true }, classifier: null, pooler: s.pooler },
  };
}

/** Keyed by the names in param-counts.json. */
export const REAL_SPECS: Record<string, ModelSpec> = {
  "conv-bert-small": realSpec({ name: "conv-bert-small", hidden: 256, embedding: 128, attentionHeads: 2, convHeads: 2, headSize: 64, intermediate: 1024, groups: 1, pooler: false }),
  "conv-bert-medium-small": realSpec({ name: "conv-bert-medium-small", hidden: 384, embedding: 128, attentionHeads: 4, convHeads: 4, headSize: 48, intermediate: 1536, groups: 2, pooler: false }),
  "conv-bert-base": realSpec({ name: "conv-bert-base", hidden: 768, embedding: 768, attentionHeads: 6, convHeads: 6, headSize: 64, intermediate: 3072, groups: 1, pooler: false }),
  "bert-base-uncased": realSpec({ name: "bert-base", hidden: 768, embedding: 768, attentionHeads: 12, convHeads: 0, headSize: 64, intermediate: 3072, groups: 1, pooler: true }),
  "electra-small-discriminator": realSpec({ name: "electra-small", hidden: 256, embedding: 128, attentionHeads: 4, convHeads: 0, headSize: 64, intermediate: 1024, groups: 1, pooler: false }),
};

/**
 * Everything that can differ: a != c (so the query is sliced), maskSpan on,
 * grouped FFN, E != H (projection), per-layer variation, pooler, untied MLM
 * head and a classifier.
 */
export function heterogeneousSpec(): ModelSpec {
  const layer = (a: number, c: number, K: number, G: number, act: Activation): BlockSpec => ({
    attentionHeads: a, convHeads: c, headSize: 4, convKernelSize: K, maskSpan: true, intermediateSize: 24, ffnGroups: G, activation: act,
  });
  return {
    format: SPEC_FORMAT, name: "heterogeneous", vocabSize: 37, maxPositions: 16, typeVocabSize: 2, padTokenId: 0,
    embeddingSize: 12, hiddenSize: 16, layerNormEps: 1e-12, activation: "gelu",
    layers: [layer(1, 3, 5, 2, "gelu"), layer(2, 2, 3, 1, "gelu_new"), layer(3, 0, 3, 2, "relu")],
    heads: { mlm: { tied: false }, classifier: { numLabels: 3 }, pooler: true },
  };
}

/** A golden case's HF config.json as a ModelSpec (heads: tied-or-not MLM and a classifier). */
export function specFromHfConfig(c: Record<string, unknown>): ModelSpec {
  const num = (key: string) => c[key] as number;
  const n = Math.max(1, Math.floor(num("num_attention_heads") / num("head_ratio")));
  const act = c.hidden_act as Activation;
  const block: BlockSpec = {
    attentionHeads: n, convHeads: n, headSize: Math.floor(num("hidden_size") / n / 2), convKernelSize: num("conv_kernel_size"), maskSpan: false,
    intermediateSize: num("intermediate_size"), ffnGroups: num("num_groups"), activation: act,
  };
  return {
    format: SPEC_FORMAT, name: "golden", vocabSize: num("vocab_size"), maxPositions: num("max_position_embeddings"), typeVocabSize: num("type_vocab_size"),
    padTokenId: 0, embeddingSize: num("embedding_size"), hiddenSize: num("hidden_size"), layerNormEps: num("layer_norm_eps"), activation: act,
    layers: Array.from({ length: num("num_hidden_layers") }, () => ({ ...block })),
    heads: { mlm: { tied: c.tie_word_embeddings as boolean }, classifier: { numLabels: num("num_labels") }, pooler: false },
  };
}
