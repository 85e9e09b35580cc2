/**
 * Variants Hugging Face cannot represent, through the ONNX target, against the
 * double-precision reference interpreter on seeded weights (1e-4 max abs):
 * a heterogeneous head split (conv-bert-base-conv-low's features at test size),
 * mask_span (specs/variants/dynamic-conv-small.convspec as shipped, with
 * padded rows), a grouped FFN with a projection; plus the WGSL suite's small
 * variants with dense weights (every bias and beta non-zero).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileOnnx, parseOnnxOps } from "../../compiler/backends/onnx/index.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import type { WeightMap } from "../../runtime/executor.js";
import { createOnnxExecutor } from "../../runtime/onnx/index.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { randomWeights } from "../../runtime/weights/index.js";
import { maxAbsDiff, repoRoot } from "../helpers/golden.js";
import { denseWeights, randomInputs, VARIANTS } from "../wgsl/models.js";

const TOLERANCE = 1e-4;
const MODES = [
  ["standard", "none"],
  ["standard", "all"],
  ["ort", "all"],
  ["attention", "all"],
] as const;

async function expectMatchesReference(graph: Graph, weights: WeightMap, batch: number, seqLen: number): Promise<void> {
  const outputs = contractOutputs(graph);
  const inputs = randomInputs(graph, batch, seqLen, 7);
  const expected = interpretGraph(graph, weights, inputs, outputs);
  for (const [ops, passes] of MODES) {
    const optimized = optimize(graph, { passes, requestedOutputs: outputs });
    const executor = await createOnnxExecutor(compileOnnx(optimized, outputs, parseOnnxOps(ops)), weights, { threads: 1 });
    try {
      const actual = await executor.run(inputs, outputs);
      for (const output of outputs) {
        expect(maxAbsDiff(actual[output], expected[output]), `${output} (--onnx-ops ${ops}, --opt ${passes})`).toBeLessThanOrEqual(TOLERANCE);
      }
    } finally {
      executor.dispose();
    }
  }
}

describe("onnx target on variants HF cannot represent (seeded weights, vs the reference interpreter)", () => {
  it.each([
    ["heterogeneous head split", "test/onnx/fixtures/hetero-split.convspec"],
    ["grouped FFN with a projection", "test/onnx/fixtures/grouped-ffn.convspec"],
    ["mask_span, no attention (dynamic-conv-small)", "specs/variants/dynamic-conv-small.convspec"],
  ])("%s", async (_, path) => {
    const graph = lowerToIR(await loadSpec(resolve(repoRoot, path)));
    await expectMatchesReference(graph, randomWeights(graph, 3), 2, 12);
  });

  it.each(Object.keys(VARIANTS))("WGSL suite variant '%s' with dense weights", async (name) => {
    const graph = lowerToIR(VARIANTS[name]);
    await expectMatchesReference(graph, denseWeights(graph, 5), 3, 9);
  });
});

describe("wide span kernels stay exact and small (ONNX: the banded MatMul beyond 31 reachable taps)", () => {
  const spec = (kernel: number, maxPositions: number, maskSpan: boolean) => `model "wide-${kernel}" {
  vocab 50  max_positions ${maxPositions}  type_vocab 2  pad_id 0
  embedding 16  hidden 32  layers 2  layer_norm_eps 1e-12  activation gelu
  block { attention_heads 1  conv_heads 1  head_size 16  kernel ${kernel}  mask_span ${maskSpan}  ffn { intermediate 64 } }
  heads { mlm tied }
}`;
  it.each([
    ["kernel 63, max_positions 64: 63 taps reach, banded", 63, 64, false, 20],
    ["kernel 63 with mask_span, banded", 63, 64, true, 20],
    ["kernel 301, max_positions 16: only 31 taps reach, sliced", 301, 16, false, 16],
    ["kernel 4097, max_positions 40: 79 taps reach, banded", 4097, 40, true, 33],
  ])("%s", async (_, kernel, maxPositions, maskSpan, seqLen) => {
    const graph = lowerToIR(loadSpecFromText(spec(kernel, maxPositions, maskSpan), "wide.convspec"));
    await expectMatchesReference(graph, denseWeights(graph, 11), 2, seqLen);
    const nodes = compileOnnx(optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state"] }), ["last_hidden_state"], parseOnnxOps("standard")).model.graph!.node!.length;
    expect(nodes).toBeLessThan(400); // 3 nodes per tap of a 4097 kernel would be 24,000
  }, 60_000);
});
