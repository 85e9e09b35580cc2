import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { SPEC_FORMAT, type ModelSpec } from "../../compiler/spec/model-spec.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { loadWeights } from "../../runtime/weights/index.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";

function specFromConfig(c: Record<string, any>): ModelSpec {
  const n = Math.max(1, Math.floor(c.num_attention_heads / c.head_ratio));
  const block = { attentionHeads: n, convHeads: n, headSize: Math.floor(c.hidden_size / n / 2), convKernelSize: c.conv_kernel_size, maskSpan: false, intermediateSize: c.intermediate_size, ffnGroups: c.num_groups, activation: c.hidden_act };
  return {
    format: SPEC_FORMAT, name: "golden", vocabSize: c.vocab_size, maxPositions: c.max_position_embeddings, typeVocabSize: c.type_vocab_size, padTokenId: 0,
    embeddingSize: c.embedding_size, hiddenSize: c.hidden_size, layerNormEps: c.layer_norm_eps, activation: c.hidden_act,
    layers: Array.from({ length: c.num_hidden_layers }, () => ({ ...block })),
    heads: { mlm: { tied: c.tie_word_embeddings }, classifier: { numLabels: c.num_labels }, pooler: false },
  };
}

describe.each(goldenCaseNames())("reference interpreter on golden case %s", (name) => {
  it("matches every output and debug intermediate to 1e-5", () => {
    const golden = loadGoldenCase(name);
    const graph = lowerToIR(specFromConfig(golden.config));
    const weights = loadWeights(graph, golden.modelPath);
    const names = [...golden.expected.keys()];
    const actual = interpretGraph(graph, weights, golden.inputs, names);
    for (const output of names) {
      const err = maxAbsDiff(actual[output], golden.expected.get(output)!);
      expect(err, output).toBeLessThanOrEqual(1e-5);
    }
    expect(checkedOutputs(golden)).toContain("last_hidden_state");
  });
});
