/**
 * Every golden case through the ONNX target on onnxruntime-node: standard
 * ops and ORT contrib ops, unoptimised and with all passes; each output
 * within 1e-4 (max abs) of Hugging Face's.
 */
import { describe, expect, it } from "vitest";
import { compileOnnx, parseOnnxOps } from "../../compiler/backends/onnx/index.js";
import { optimize } from "../../compiler/passes/index.js";
import { createOnnxExecutor } from "../../runtime/onnx/index.js";
import { goldenCaseNames, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "../tfjs/golden-model.js";

const TOLERANCE = 1e-4;

describe.each(goldenCaseNames())("onnx on golden case %s", (name) => {
  const golden = loadGoldenCase(name);
  const { graph, weights } = goldenModel(golden);
  // The debug intermediates too: they localise a failure to a layer part.
  const outputs = [...golden.expected.keys()];

  it.each([
    ["standard", "none"],
    ["standard", "all"],
    ["ort", "none"],
    ["ort", "all"],
    ["skip-layer-norm", "all"],
  ] as const)("--onnx-ops %s, --opt %s", async (ops, passes) => {
    const optimized = optimize(graph, { passes, requestedOutputs: outputs });
    const executor = await createOnnxExecutor(compileOnnx(optimized, outputs, parseOnnxOps(ops)), weights, { threads: 1 });
    try {
      const actual = await executor.run(golden.inputs, outputs);
      for (const output of outputs) {
        expect(maxAbsDiff(actual[output], golden.expected.get(output)!), output).toBeLessThanOrEqual(TOLERANCE);
      }
    } finally {
      executor.dispose();
    }
  });
});
