import { describe, expect, it } from "vitest";
import { prepare } from "../../index.js";
import { checkedOutputs, goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";
import { LOCAL_ADAPTERS, sharedDevice } from "./gpu.js";

for (const adapter of LOCAL_ADAPTERS) {
describe.skipIf(!adapter.run)(`WebGPU executor on the golden cases, on ${adapter.name}${adapter.skipNote}`, () => {
  it.each(goldenCaseNames())("%s matches every output and debug intermediate within 1e-3", async (name) => {
    const golden = loadGoldenCase(name);
    const { graph, weights } = goldenModel(golden);
    const names = [...golden.expected.keys()].filter((n) => Object.hasOwn(graph.outputs, n));
    expect(names).toEqual(expect.arrayContaining(checkedOutputs(golden)));
    const executor = await prepare("wgsl", graph, weights, { outputs: names, device: await sharedDevice(adapter.backend) });
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
}
