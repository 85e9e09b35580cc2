import { describe, expect, it } from "vitest";
import { flopsFormula, forwardFlops, PARTS } from "../../compiler/analysis/flops.js";
import { coefficient, evaluate, formatPolynomial } from "../../compiler/ir/polynomial.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { optimize } from "../../compiler/passes/index.js";
import { SPEC_FORMAT, type ModelSpec } from "../../compiler/spec/model-spec.js";
import { heterogeneousSpec, REAL_SPECS } from "./fixtures.js";

// A small ConvBERT: one mixed block, E != H, grouped FFN, every head.
const V = 11, E = 6, H = 8, a = 2, c = 2, d = 2, K = 3, I = 16, G = 2, labels = 3;
const spec: ModelSpec = {
  format: SPEC_FORMAT, name: "small", vocabSize: V, maxPositions: 8, typeVocabSize: 2, padTokenId: 0,
  embeddingSize: E, hiddenSize: H, layerNormEps: 1e-12, activation: "gelu",
  layers: [{ attentionHeads: a, convHeads: c, headSize: d, convKernelSize: K, maskSpan: false, intermediateSize: I, ffnGroups: G, activation: "gelu" }],
  heads: { mlm: { tied: false }, classifier: { numLabels: labels }, pooler: true },
};

/**
 * Derived by hand from the reference math, per row (B·L) unless noted.
 * Conventions: multiply-add 2, bias/add/mul/activation 1, LayerNorm 7, softmax 5 per element.
 */
function handDerived() {
  const A = a * d; // each branch's width (a == c here, so q is not sliced)
  const M = (a + c) * d; // concat width into attention.output.dense
  const layerNorm = (w: number) => 7 * w;
  const dense = (inF: number, outF: number, groups = 1) => 2 * (inF / groups) * outF + outF; // matmul + bias
  const BL = {
    embeddings: E /* words + positions */ + E /* + token types */ + layerNorm(E) + dense(E, H) /* projection */,
    self_attention: dense(H, A) * 3 /* q, k, v */,
    span_conv:
      2 * K * H /* depthwise */ + dense(H, A) /* pointwise + bias */ + A /* gate ks⊙q */ + dense(A, c * K) /* kernel logits */ +
      dense(H, A) /* conv_out_layer */ + c * (5 * K /* softmax over taps */ + 2 * K * d /* weighted sum */),
    attention_output: dense(M, H) + H /* residual */ + layerNorm(H),
    ffn: dense(H, I, G) + I /* GELU */ + dense(I, H, G) + H /* residual */ + layerNorm(H),
    mlm_head: dense(H, E) + E /* GELU */ + layerNorm(E) + dense(E, V),
  };
  // Per (batch, head) L² terms: QKᵀ 2d, scale 1, mask 1, softmax 5, PV 2d per score.
  const BL2 = { self_attention: a * (4 * d + 7) };
  // Per sequence (B): the pooler and classifier read the first token only.
  const B = { pooler: dense(H, H) + H /* tanh */, cls_head: dense(H, H) + H /* GELU */ + dense(H, labels) };
  return { BL, BL2, B };
}

describe("FLOPs", () => {
  const graph = lowerToIR(spec);
  const formula = flopsFormula(graph);
  const hand = handDerived();

  it("match the hand-derived formula term by term and part by part", () => {
    for (const part of PARTS) {
      const p = formula.byPart[part];
      expect(coefficient(p, 1, 1), `${part} B·L`).toBe(hand.BL[part as keyof typeof hand.BL] ?? 0);
      expect(coefficient(p, 1, 2), `${part} B·L²`).toBe(hand.BL2[part as keyof typeof hand.BL2] ?? 0);
      expect(coefficient(p, 1, 0), `${part} B`).toBe(hand.B[part as keyof typeof hand.B] ?? 0);
      expect(p.size, `${part} has no other terms`).toBeLessThanOrEqual(3);
    }
  });

  it("evaluate at a concrete (B, L)", () => {
    const at = { batch: 3, seqLen: 7 };
    const sum = (terms: Record<string, number>) => Object.values(terms).reduce((s, v) => s + v, 0);
    const expected = sum(hand.BL) * 3 * 7 + sum(hand.BL2) * 3 * 49 + sum(hand.B) * 3;
    const result = forwardFlops(graph, at);
    expect(result.total).toBe(expected);
    expect(Object.values(result.byPart).reduce((s, v) => s + v, 0)).toBe(expected);
    expect(formatPolynomial(formula.total)).toBe(`${sum(hand.BL2)}·B·L² + ${sum(hand.BL)}·B·L + ${sum(hand.B)}·B`);
  });

  it("are the same after every optimisation pass (fused ops cost what they fused)", () => {
    for (const s of [spec, heterogeneousSpec(), REAL_SPECS["conv-bert-base"]]) {
      const plain = lowerToIR(s);
      const fused = optimize(plain, { passes: "all", requestedOutputs: Object.keys(plain.outputs) });
      const before = flopsFormula(plain);
      const after = flopsFormula(fused);
      expect(fused.ops.length).toBeLessThan(plain.ops.length);
      for (const part of PARTS) expect(evaluate(after.byPart[part], { batch: 2, seqLen: 128 }), part).toBe(evaluate(before.byPart[part], { batch: 2, seqLen: 128 }));
    }
  });

  it("count a pure self-attention block (BERT) with no span-conv work", () => {
    const bert = forwardFlops(lowerToIR(REAL_SPECS["bert-base-uncased"]), { batch: 1, seqLen: 128 });
    expect(bert.byPart.span_conv).toBe(0);
    // q, k, v: 3 · (2·768·768 + 768) per token, 12 layers, plus 12 heads·(4·64+7)·L² per layer.
    expect(bert.byPart.self_attention).toBe(12 * (128 * 3 * (2 * 768 * 768 + 768) + 12 * (4 * 64 + 7) * 128 * 128));
  });
});
