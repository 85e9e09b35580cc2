/**
 * Whole models on random weights against the double-precision reference
 * interpreter: the spec variations the golden cases do not cover (tied LM
 * head, pooler, span masking, a pure-attention block, L < K, padding), and
 * the executor's memory hygiene.
 */
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { SPEC_FORMAT, type BlockSpec, type ModelSpec } from "../../compiler/spec/model-spec.js";
import type { ModelInputs } from "../../runtime/executor.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { prepare } from "../../index.js";
import { randomWeights } from "../../runtime/weights/index.js";
import { maxAbsDiff } from "../helpers/golden.js";

const block: BlockSpec = {
  attentionHeads: 2, convHeads: 2, headSize: 4, convKernelSize: 5, maskSpan: false, intermediateSize: 32, ffnGroups: 1, activation: "gelu",
};

function tinySpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    format: SPEC_FORMAT, name: "tiny", vocabSize: 23, maxPositions: 8, typeVocabSize: 2, padTokenId: 0,
    embeddingSize: 8, hiddenSize: 16, layerNormEps: 1e-12, activation: "gelu",
    layers: [
      { ...block, maskSpan: true, ffnGroups: 2 },
      { ...block, attentionHeads: 4, convHeads: 0, activation: "gelu_new" },
      { ...block, attentionHeads: 1, convHeads: 3, activation: "relu" },
    ],
    heads: { mlm: { tied: true }, classifier: { numLabels: 3 }, pooler: true },
    ...overrides,
  };
}

/** Batch 2, L = 3 < K = 5, the second row padded. */
const inputs: ModelInputs = {
  batch: 2,
  seqLen: 3,
  inputIds: Int32Array.from([5, 17, 2, 9, 3, 0]),
  attentionMask: Float32Array.from([1, 1, 1, 1, 1, 0]),
  tokenTypeIds: Int32Array.from([0, 1, 1, 0, 0, 0]),
};

describe.each([
  ["tied LM head, pooler, span mask, BERT block", tinySpec()],
  ["untied LM head, no pooler", tinySpec({ heads: { mlm: { tied: false }, classifier: null, pooler: false }, embeddingSize: 16 })],
])("tfjs vs reference interpreter: %s", (_name, spec) => {
  const graph = lowerToIR(spec);
  const weights = randomWeights(graph, 3);
  // Random LayerNorm gains so that the tests see more than the identity.
  for (const [key, tensor] of weights) if (key.endsWith("LayerNorm.weight")) tensor.data.forEach((_, i) => (tensor.data[i] = 1 + 0.1 * Math.sin(i)));
  const outputs = Object.keys(graph.outputs);
  const expected = interpretGraph(graph, weights, inputs, outputs);

  it.each(["none", "all"] as const)("--opt %s on cpu matches to 1e-4", async (passes) => {
    const executor = await prepare("tfjs", graph, weights, { outputs, passes, options: { backend: "cpu" } });
    try {
      const actual = await executor.run(inputs, outputs);
      for (const name of outputs) expect(maxAbsDiff(actual[name], expected[name]), name).toBeLessThanOrEqual(1e-4);
    } finally {
      executor.dispose();
    }
  });

  it("a tied head reads the word embeddings: no LM-head weight of its own", () => {
    expect(graph.params.some((p) => p.key === "generator_lm_head.weight")).toBe(!spec.heads.mlm!.tied);
  });
});

describe("tfjs executor memory", () => {
  it("1,000 consecutive runs leave tf.memory().numTensors unchanged", async () => {
    const graph = lowerToIR(tinySpec());
    const outputs = Object.keys(graph.outputs);
    const executor = await prepare("tfjs", graph, randomWeights(graph, 1), { outputs, passes: "none", options: { backend: "cpu" } });
    await executor.run(inputs, outputs);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) await executor.run(inputs, i % 2 ? outputs : ["last_hidden_state"]);
    expect(tf.memory().numTensors).toBe(before);
    executor.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it("dispose releases every weight", async () => {
    const start = tf.memory().numTensors;
    const graph = lowerToIR(tinySpec());
    const executor = await prepare("tfjs", graph, randomWeights(graph, 1), { outputs: ["mlm_logits"], options: { backend: "wasm" } });
    await executor.run(inputs, ["mlm_logits"]);
    executor.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
