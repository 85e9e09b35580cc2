import { describe, expect, it } from "vitest";
import { prepare } from "../../index.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";
import { noAdapter, sharedDevice } from "./gpu.js";

describe.skipIf(noAdapter)("WebGPU executor on the golden cases (skipped: no WebGPU adapter; install Mesa)", () => {
  it.each(goldenCaseNames())("%s matches every output and debug intermediate within 1e-3", async (name) => {
    const golden = loadGoldenCase(name);
    const { graph, weights } = goldenModel(golden);
    const names = [...golden.expected.keys()].filter((n) => Object.hasOwn(graph.outputs, n));
    expect(names).toEqual(expect.arrayContaining(checkedOutputs(golden)));
    const executor = await prepare("wgsl", graph, weights, { outputs: names, device: await sharedDevice() });
    try {
      const actual = await executor.run(golden.inputs, names);
      for (const output of names) {
        expect(maxAbsDiff(actual[output], golden.expected.get(output)!), output).toBeLessThanOrEqual(1e-3);
      }
    } finally {
      executor.dispose();
    }
  });
});
