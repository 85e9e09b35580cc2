/** A golden case on tfjs's webgpu backend: every output and debug intermediate within 1e-3. */
import { expect } from "vitest";
import { prepare } from "../../index.js";
import type { TfjsExecutor } from "../../runtime/tfjs/index.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";

export const WEBGPU_TOLERANCE = 1e-3;

/** Runs every golden case on tfjs's webgpu backend with `passes`, checking each output. */
export async function checkGoldenOnWebGpu(name: string, passes: "all" | "none"): Promise<void> {
  const golden = loadGoldenCase(name);
  const { graph, weights } = goldenModel(golden);
  const outputs = [...golden.expected.keys()];
  expect(outputs).toEqual(expect.arrayContaining(checkedOutputs(golden)));
  const executor = (await prepare("tfjs", graph, weights, { outputs, passes, options: { backend: "webgpu" } })) as TfjsExecutor;
  try {
    expect(executor.backend).toBe("webgpu");
    const actual = await executor.run(golden.inputs, outputs);
    for (const output of outputs) {
      expect(maxAbsDiff(actual[output], golden.expected.get(output)!), output).toBeLessThanOrEqual(WEBGPU_TOLERANCE);
    }
  } finally {
    executor.dispose();
  }
}
