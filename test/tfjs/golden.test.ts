/**
 * Every golden case, on the cpu and wasm backends, unoptimised and with all
 * passes: each output within 1e-4 (max abs) of Hugging Face's.
 */
import { describe, expect, it } from "vitest";
import { prepare } from "../../index.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";

const TOLERANCE = 1e-4;
const cases = goldenCaseNames();

describe.each(cases)("tfjs on golden case %s", (name) => {
  const golden = loadGoldenCase(name);
  const { graph, weights } = goldenModel(golden);
  // The debug intermediates too: they localise a failure to a layer part.
  const outputs = [...golden.expected.keys()];

  it.each([
    ["cpu", "none"],
    ["cpu", "all"],
    ["wasm", "none"],
    ["wasm", "all"],
  ] as const)("%s backend, --opt %s", async (backend, passes) => {
    const executor = await prepare("tfjs", graph, weights, { outputs, passes, options: { backend } });
    try {
      const actual = await executor.run(golden.inputs, outputs);
      for (const output of outputs) {
        expect(maxAbsDiff(actual[output], golden.expected.get(output)!), output).toBeLessThanOrEqual(TOLERANCE);
      }
    } finally {
      executor.dispose();
    }
  });

  it("checks the contract outputs and both task heads", () => {
    expect(checkedOutputs(golden)).toEqual(expect.arrayContaining(["last_hidden_state", "hidden_states.0", "mlm_logits", "cls_logits"]));
    expect(graph.spec.heads.mlm).not.toBeNull();
    expect(graph.spec.heads.classifier).not.toBeNull();
  });
});
