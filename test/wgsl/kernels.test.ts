/**
 * Each kernel against the plain-JS reference interpreter on random weights and
 * inputs. Asking for every IR value as an output keeps every op its own
 * dispatch (nothing requested can be fused away), so each kernel is checked
 * alone; asking only for the model outputs checks the fused schedule.
 */
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/types.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { createWebGpuExecutor } from "../../runtime/webgpu/index.js";
import { maxAbsDiff } from "../helpers/golden.js";
import { LOCAL_ADAPTERS, sharedDevice } from "./gpu.js";
import type { WebGpuBackend } from "../../runtime/webgpu/index.js";
import { denseWeights, graphOf, randomInputs, VARIANTS } from "./models.js";

/** The graph with every computed value exposed as an output named after it. */
function everyValue(graph: Graph): Graph {
  const outputs = { ...graph.outputs };
  for (const op of graph.ops) for (const v of op.outputs) outputs[`value:${v}`] = v;
  return { ...graph, outputs };
}

async function compare(backend: WebGpuBackend, graph: Graph, names: string[], shapes: [number, number][], passes: "all" | "none"): Promise<void> {
  const weights = denseWeights(graph, 7);
  const executor = await createWebGpuExecutor(graph, weights, { device: await sharedDevice(backend), passes });
  try {
    // One executor, several (B, L): shapes change through uniforms, the plan is reused.
    for (const [B, L] of shapes) {
      const inputs = randomInputs(graph, B, L, B * 100 + L);
      const expected = interpretGraph(graph, weights, inputs, names);
      const actual = await executor.run(inputs, names);
      for (const name of names) expect(maxAbsDiff(actual[name], expected[name]), `${name} at B=${B} L=${L}`).toBeLessThanOrEqual(1e-3);
    }
  } finally {
    executor.dispose();
  }
}

for (const adapter of LOCAL_ADAPTERS) {
describe.skipIf(!adapter.run)(`WGSL kernels vs the reference interpreter, on ${adapter.name}${adapter.skipNote}`, () => {
  it.each(Object.keys(VARIANTS))("%s: every op unfused, each value checked", async (name) => {
    const graph = everyValue(graphOf(name));
    await compare(adapter.backend, graph, Object.keys(graph.outputs), [[2, 11]], "none");
  });

  it.each(Object.keys(VARIANTS))("%s: fused and optimised schedule, several shapes", async (name) => {
    const graph = graphOf(name);
    // 70 > the matmul and attention tiles (64): multi-tile paths; 1 x 1: the degenerate edge.
    await compare(adapter.backend, graph, Object.keys(graph.outputs), [[1, 1], [3, 9], [1, 70]], "all");
  });
});
}
