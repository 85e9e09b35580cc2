import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec } from "../../compiler/load.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { loadWeights } from "../../runtime/weights/index.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";

describe.each(goldenCaseNames())("reference interpreter on golden case %s", (name) => {
  it("matches every output and debug intermediate to 1e-5", async () => {
    const golden = loadGoldenCase(name);
    const graph = lowerToIR(await loadSpec(golden.configPath));
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
