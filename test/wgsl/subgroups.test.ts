/**
 * The subgroup paths, on Dawn's Vulkan backend over Chromium's SwiftShader
 * (a core adapter with `subgroups`, subgroup size 4): a plan compiled for
 * the feature uses it (the attention's shuffles) and still matches the
 * reference; a device without the feature refuses that plan.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { optimize } from "../../compiler/passes/index.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { createExecutor } from "../../runtime/targets.js";
import { maxAbsDiff } from "../helpers/golden.js";
import { sharedDevice } from "./gpu.js";
import { denseWeights, graphOf, randomInputs } from "./models.js";

const ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
// CI installs chromium (which ships SwiftShader's Vulkan driver): there a missing driver fails the test.
const noSwiftShader = !existsSync(ICD) && process.env.CI !== "true";

async function vulkanDevice(): Promise<GPUDevice> {
  process.env.VK_ICD_FILENAMES = ICD;
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  const gpu = create(["backend=vulkan"]);
  // Keep the GPU object reachable for the life of the process: Dawn needs it.
  (globalThis as { vulkanGpu?: GPU }).vulkanGpu = gpu;
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error(`no Vulkan adapter with VK_ICD_FILENAMES=${ICD}`);
  return adapter.requestDevice({ requiredFeatures: ["subgroups"].filter((f) => adapter.features.has(f)) as GPUFeatureName[], requiredLimits: { maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize } });
}

describe.skipIf(noSwiftShader)(`subgroups on SwiftShader Vulkan in Node${noSwiftShader ? " (skipped: chromium's SwiftShader driver not installed)" : ""}`, () => {
  it.each(["mixed", "bert_and_uneven"])("%s: the subgroup plan uses shuffles and matches the reference within 1e-3", async (name) => {
    const device = await vulkanDevice();
    expect(device.features.has("subgroups")).toBe(true);
    const graph = graphOf(name);
    const outputs = ["last_hidden_state", "mlm_logits", "cls_logits"];
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs, features: [...device.features] });
    expect(plan.features).toEqual(["subgroups"]);
    expect(plan.kernels.some((k) => k.name.startsWith("attention") && k.code.includes("subgroupShuffleXor"))).toBe(true);
    const weights = denseWeights(graph, 7);
    const executor = await createExecutor("wgsl", plan, weights, { device });
    try {
      for (const [B, L] of [[2, 37], [1, 70]] as const) {
        const inputs = randomInputs(graph, B, L, B * 100 + L);
        const expected = interpretGraph(graph, weights, inputs, outputs);
        const actual = await executor.run(inputs);
        for (const output of outputs) expect(maxAbsDiff(actual[output], expected[output]), `${output} at B=${B} L=${L}`).toBeLessThanOrEqual(1e-3);
      }
    } finally {
      executor.dispose();
      device.destroy();
    }
  });

  it("a device without subgroups refuses a plan compiled for them", async () => {
    const graph = graphOf("mixed");
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state"] }), { outputs: ["last_hidden_state"], features: ["subgroups"] });
    const llvmpipe = await sharedDevice();
    expect(llvmpipe.features.has("subgroups")).toBe(false);
    await expect(createExecutor("wgsl", plan, denseWeights(graph, 1), { device: llvmpipe })).rejects.toThrow(
      "the plan was compiled for adapter feature(s) subgroups, which this device lacks; compile it for this adapter",
    );
  });
});
