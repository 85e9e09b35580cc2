import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { optimize } from "../../compiler/passes/index.js";
import { createWebGpuExecutor } from "../../runtime/webgpu/index.js";
import { noAdapter, sharedDevice, NO_ADAPTER_REASON } from "./gpu.js";
import { denseWeights, graphOf, randomInputs } from "./models.js";

describe.skipIf(noAdapter)(`WebGPU buffer lifetime${noAdapter ? ` (skipped: ${NO_ADAPTER_REASON})` : ""}`, () => {
  it("100 runs leave the allocation count unchanged and dispose releases everything", async () => {
    const graph = graphOf("square");
    const outputs = ["last_hidden_state"];
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });
    const executor = await createWebGpuExecutor(plan, denseWeights(graph, 1), { device: await sharedDevice() });
    const inputs = randomInputs(graph, 2, 6, 3);
    const first = await executor.run(inputs, ["last_hidden_state"]);
    const live = executor.bufferStats.created - executor.bufferStats.destroyed;
    expect(live).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) {
      const again = await executor.run(inputs, ["last_hidden_state"]);
      expect(again.last_hidden_state.data).toEqual(first.last_hidden_state.data);
    }
    expect(executor.bufferStats.created - executor.bufferStats.destroyed).toBe(live);
    executor.dispose();
    expect(executor.bufferStats.created).toBe(executor.bufferStats.destroyed);
  });
});
