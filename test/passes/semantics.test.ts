/**
 * Every combination of passes computes what the plain lowering computes:
 * the reference interpreter on both graphs, max abs diff <= 1e-6 on every
 * requested output (golden checkpoints, and random weights on a spec with
 * everything that can differ).
 */
import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { ALL_PASSES, optimize } from "../../compiler/passes/index.js";
import type { ModelInputs, WeightMap } from "../../runtime/executor.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { loadWeights, randomWeights } from "../../runtime/weights/index.js";
import { heterogeneousSpec, specFromHfConfig } from "../analysis/fixtures.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";

interface Case {
  graph: Graph;
  weights: WeightMap;
  inputs: ModelInputs;
  requests: string[][];
}

/** All 2^n subsets of the pass names, in pipeline order. */
const PASS_SUBSETS: string[][] = Array.from({ length: 1 << ALL_PASSES.length }, (_, mask) => ALL_PASSES.filter((_, i) => mask & (1 << i)).map((p) => p.name));

function goldenCase(name: string): Case {
  const golden = loadGoldenCase(name);
  const graph = lowerToIR(specFromHfConfig(golden.config));
  return {
    graph,
    weights: loadWeights(graph, golden.modelPath),
    inputs: golden.inputs,
    requests: [checkedOutputs(golden), ["cls_logits"], ["mlm_logits", "hidden_states.1"]],
  };
}

function heterogeneousCase(): Case {
  const graph = lowerToIR(heterogeneousSpec());
  const [batch, seqLen] = [2, 9];
  const index = Array.from({ length: batch * seqLen }, (_, i) => i);
  return {
    graph,
    weights: randomWeights(graph, 7),
    inputs: {
      batch,
      seqLen,
      inputIds: Int32Array.from(index, (i) => (i * 7 + 3) % 37),
      attentionMask: Float32Array.from(index, (i) => (i >= seqLen + 6 ? 0 : 1)), // second row padded after 6 tokens
      tokenTypeIds: Int32Array.from(index, (i) => (i % seqLen >= 4 ? 1 : 0)),
    },
    requests: [Object.keys(graph.outputs), ["pooler_output", "cls_logits"], ["mlm_logits", "hidden_states.2"]],
  };
}

const cases: Array<[string, () => Case]> = [...goldenCaseNames().map((name): [string, () => Case] => [name, () => goldenCase(name)]), ["heterogeneous (random weights)", heterogeneousCase]];

describe.each(cases)("passes preserve semantics on %s", (_, makeCase) => {
  it("every pass combination, every request: max abs diff <= 1e-6", () => {
    const { graph, weights, inputs, requests } = makeCase();
    for (const requested of requests) {
      const plain = interpretGraph(graph, weights, inputs, requested);
      for (const passes of PASS_SUBSETS) {
        const optimised = optimize(graph, { passes, requestedOutputs: requested });
        const actual = interpretGraph(optimised, weights, inputs, requested);
        for (const name of requested) {
          expect(maxAbsDiff(actual[name], plain[name]), `${name} with passes [${passes.join(", ")}]`).toBeLessThanOrEqual(1e-6);
        }
      }
    }
  });
});

describe("optimised golden graphs still match Hugging Face", () => {
  it.each(goldenCaseNames())("%s with all passes: every output to 1e-5", (name) => {
    const golden = loadGoldenCase(name);
    const requested = checkedOutputs(golden);
    const plain = lowerToIR(specFromHfConfig(golden.config));
    const graph = optimize(plain, { passes: "all", requestedOutputs: requested });
    expect(graph.ops.length).toBeLessThan(plain.ops.length);
    const actual = interpretGraph(graph, loadWeights(graph, golden.modelPath), golden.inputs, requested);
    for (const output of requested) expect(maxAbsDiff(actual[output], golden.expected.get(output)!), output).toBeLessThanOrEqual(1e-5);
  });
});
