/** GPU timing of a forward from timestamp queries (PlanRunner.profile), on each local adapter. */
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { optimize } from "../../compiler/passes/index.js";
import { createGpuContext, createPlanRunner, disposeGpuContext } from "../../runtime/webgpu/index.js";
import { LOCAL_ADAPTERS, sharedDevice } from "./gpu.js";
import { denseWeights, graphOf, randomInputs } from "./models.js";

const graph = graphOf("mixed");
const outputs = ["last_hidden_state"];
const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });
const inputs = randomInputs(graph, 2, 9, 5);

for (const adapter of LOCAL_ADAPTERS) {
  describe.skipIf(!adapter.run)(`PlanRunner.profile on ${adapter.name}${adapter.skipNote}`, () => {
    // Each adapter gets the test for what it has (Dawn's OpenGL backend never has timestamp-query).
    if (adapter.timestamps) it("times the pass and every dispatch, and returns what run() returns", async () => {
      const ctx = createGpuContext(await sharedDevice(adapter.backend), denseWeights(graph, 3));
      const runner = await createPlanRunner(ctx, plan);
      const expected = await runner.run(inputs, outputs);

      const whole = await runner.profile(inputs, outputs);
      expect(whole.outputs.last_hidden_state.data).toEqual(expected.last_hidden_state.data);
      expect(whole.profile.passNs).toBeGreaterThan(0);
      expect(whole.profile.dispatches).toBeUndefined();

      const each = await runner.profile(inputs, outputs, "dispatch");
      expect(each.outputs.last_hidden_state.data).toEqual(expected.last_hidden_state.data);
      expect(each.profile.dispatches!.map((d) => d.kernel)).toEqual(plan.dispatches.map((d) => d.kernel));
      for (const d of each.profile.dispatches!) expect(d.ns, d.kernel).toBeGreaterThanOrEqual(0);
      const sum = each.profile.dispatches!.reduce((a, d) => a + d.ns, 0);
      expect(sum).toBeGreaterThan(0);
      // Passes run one after another: their spans fit inside first-begin..last-end.
      expect(sum).toBeLessThanOrEqual(each.profile.passNs);

      runner.dispose();
      disposeGpuContext(ctx);
      expect(ctx.stats.created).toBe(ctx.stats.destroyed);
    });

    else it("refuses to profile without timestamp-query, naming the feature", async () => {
      const ctx = createGpuContext(await sharedDevice(adapter.backend), denseWeights(graph, 3));
      const runner = await createPlanRunner(ctx, plan);
      await expect(runner.profile(inputs, outputs)).rejects.toThrow(/needs the 'timestamp-query' feature/);
      runner.dispose();
      disposeGpuContext(ctx);
      expect(ctx.stats.created).toBe(ctx.stats.destroyed);
    });
  });
}
