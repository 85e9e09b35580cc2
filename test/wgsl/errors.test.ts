import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { UserError } from "../../compiler/errors.js";
import { prepare } from "../../index.js";
import { createGpuContext, createPlanRunner } from "../../runtime/webgpu/index.js";
import { noAdapter, sharedDevice, NO_ADAPTER_REASON } from "./gpu.js";
import { denseWeights, graphOf, randomInputs } from "./models.js";

const graph = graphOf("square");

describe.skipIf(noAdapter)(`WebGPU runtime errors${noAdapter ? ` (skipped: ${NO_ADAPTER_REASON})` : ""}`, () => {
  it("names a missing weight", async () => {
    const weights = denseWeights(graph, 2);
    weights.delete("encoder.layer.0.attention.self.key.weight");
    // Weights are uploaded when the executor is created: that is where a missing one is named.
    const creating = prepare("wgsl", graph, weights, { outputs: ["last_hidden_state"], device: await sharedDevice() });
    await expect(creating).rejects.toThrow(UserError);
    await expect(creating).rejects.toThrow(/missing weight 'encoder\.layer\.0\.attention\.self\.key\.weight'/);
  });

  it("refuses an out-of-vocabulary id with its position", async () => {
    const executor = await prepare("wgsl", graph, denseWeights(graph, 2), { outputs: ["last_hidden_state"], device: await sharedDevice() });
    const inputs = randomInputs(graph, 2, 3, 1);
    inputs.inputIds[4] = 999;
    await expect(executor.run(inputs, ["last_hidden_state"])).rejects.toThrow(/input_ids\[1\]\[1\] = 999 is outside the vocabulary \(0\.\.36\)/);
    executor.dispose();
  });

  it("names the kernel that fails to compile", async () => {
    const plan = compileWgsl(graph, { outputs: ["last_hidden_state"] });
    plan.kernels[1] = { ...plan.kernels[1], code: plan.kernels[1].code.replace("fn main", "fn main_oops(x: f32) -> f32 { return y; }\nfn main") };
    const ctx = createGpuContext(await sharedDevice(), denseWeights(graph, 2));
    await expect(createPlanRunner(ctx, plan)).rejects.toThrow(new RegExp(`kernel '${plan.kernels[1].name}' failed to compile`));
  });

  it("names the kernel and the adapter limit it exceeds", async () => {
    const plan = compileWgsl(graph, { outputs: ["last_hidden_state"] });
    plan.kernels[0] = { ...plan.kernels[0], workgroupStorageBytes: 1 << 30 };
    const ctx = createGpuContext(await sharedDevice(), denseWeights(graph, 2));
    await expect(createPlanRunner(ctx, plan)).rejects.toThrow(new RegExp(`kernel '${plan.kernels[0].name}' needs 1073741824 workgroup storage bytes; this adapter allows \\d+`));
  });
});
