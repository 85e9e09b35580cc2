/** Small specs covering each IR feature the WGSL backend must handle, and dense random weights for them. */
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { SPEC_FORMAT, type BlockSpec, type ModelSpec } from "../../compiler/spec/model-spec.js";
import type { ModelInputs, WeightMap } from "../../runtime/executor.js";

const BLOCK: BlockSpec = { attentionHeads: 2, convHeads: 2, headSize: 8, convKernelSize: 5, maskSpan: false, intermediateSize: 48, ffnGroups: 1, activation: "gelu" };

export function tinySpec(name: string, blocks: Partial<BlockSpec>[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    format: SPEC_FORMAT, name, vocabSize: 37, maxPositions: 80, typeVocabSize: 2, padTokenId: 0, embeddingSize: 24, hiddenSize: 32,
    layerNormEps: 1e-12, activation: "gelu", layers: blocks.map((b) => ({ ...BLOCK, ...b })),
    heads: { mlm: { tied: false }, classifier: { numLabels: 3 }, pooler: true }, ...extra,
  };
}

/** Each covers something different: grouped FFN + projection, BERT-only block, a != c (sliced query), masked span, gelu_new, E == H with tied head. */
export const VARIANTS: Record<string, ModelSpec> = {
  mixed: tinySpec("mixed", [{ ffnGroups: 2 }, { attentionHeads: 0, convHeads: 4, activation: "gelu_new" }]),
  bert_and_uneven: tinySpec("bert_and_uneven", [{ convHeads: 0, attentionHeads: 4 }, { attentionHeads: 1, convHeads: 3, maskSpan: true, activation: "relu" }]),
  square: tinySpec("square", [{ convKernelSize: 3, headSize: 4, attentionHeads: 4, convHeads: 4 }], { embeddingSize: 32, heads: { mlm: { tied: true }, classifier: null, pooler: false } }),
};

export const graphOf = (name: string): Graph => lowerToIR(VARIANTS[name]);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every tensor uniform in [-0.5, 0.5) (biases and LayerNorm betas too, so every term of every kernel is exercised). */
export function denseWeights(graph: Graph, seed: number): WeightMap {
  const next = prng(seed);
  return new Map(graph.params.map((p) => [p.key, { shape: [...p.shape], data: Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => next() - 0.5) }]));
}

/** Random ids, a padded tail on every other row. */
export function randomInputs(graph: Graph, batch: number, seqLen: number, seed: number): ModelInputs {
  const next = prng(seed);
  const n = batch * seqLen;
  const attentionMask = Float32Array.from({ length: n }, (_, i) => (i % seqLen >= seqLen - (Math.floor(i / seqLen) % 2) * 3 ? 0 : 1));
  return {
    batch, seqLen, attentionMask,
    inputIds: Int32Array.from({ length: n }, () => Math.floor(next() * graph.spec.vocabSize)),
    tokenTypeIds: Int32Array.from({ length: n }, () => (next() < 0.5 ? 0 : 1)),
  };
}
