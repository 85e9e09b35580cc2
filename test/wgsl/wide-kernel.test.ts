/**
 * Wide span kernels on WGSL (issue 14: `kernel 4097` ran for minutes): the
 * conv loops visit only taps inside the sequence, the fused span conv shrinks
 * its tile to fit 16 KiB of workgroup memory, and beyond 255 taps the logits
 * go through memory (fuse-span-conv declines). Each against the reference
 * interpreter within 1e-3, with padded rows.
 */
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { prepare } from "../../index.js";
import { maxAbsDiff } from "../helpers/golden.js";
import { LOCAL_ADAPTERS, sharedDevice } from "./gpu.js";
import { denseWeights, randomInputs } from "./models.js";

const adapter = LOCAL_ADAPTERS[0];
const spec = (kernel: number, maskSpan: boolean) => `model "wide-${kernel}" {
  vocab 50  max_positions 64  type_vocab 2  pad_id 0
  embedding 16  hidden 32  layers 1  layer_norm_eps 1e-12  activation gelu
  block { attention_heads 4  conv_heads 4  head_size 4  kernel ${kernel}  mask_span ${maskSpan}  ffn { intermediate 64 } }
}`;
const outputs = ["last_hidden_state"];

describe.skipIf(!adapter.run)(`wide span kernels on ${adapter.name}${adapter.skipNote}`, () => {
  it.each([
    ["kernel 255: fused, the tile shrunk to 2 rows to fit 16 KiB", 255, false, "span_conv", "2 rows x 64 channels"],
    ["kernel 4097 with mask_span: logits through memory, 20 of 4097 taps visited", 4097, true, "dynamic_conv", undefined],
  ] as const)("%s", async (_, kernel, maskSpan, convKernel, choice) => {
    const graph = lowerToIR(loadSpecFromText(spec(kernel, maskSpan), "wide.convspec"));
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });
    const conv = plan.dispatches.find((d) => d.kernel.startsWith(convKernel));
    expect(conv, plan.dispatches.map((d) => d.kernel).join(", ")).toBeDefined();
    if (choice) expect(conv!.choice).toBe(choice);
    for (const k of plan.kernels) expect(k.workgroupStorageBytes, k.name).toBeLessThanOrEqual(16384);

    const weights = denseWeights(graph, 3);
    const executor = await prepare("wgsl", graph, weights, { outputs, device: await sharedDevice(adapter.backend) });
    try {
      const inputs = randomInputs(graph, 2, 20, 5);
      const actual = await executor.run(inputs, outputs);
      expect(maxAbsDiff(actual.last_hidden_state, interpretGraph(graph, weights, inputs, outputs).last_hidden_state)).toBeLessThanOrEqual(1e-3);
    } finally {
      executor.dispose();
    }
  }, 120_000);
});
