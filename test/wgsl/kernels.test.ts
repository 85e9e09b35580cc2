/**
 * Each kernel against the plain-JS reference interpreter on random weights and
 * inputs. With `--opt none` every dispatch computes exactly one IR op, and
 * asking for every IR value as an output checks each kernel alone; asking
 * only for the model outputs with all passes checks the fused schedule.
 */
import { describe, expect, it } from "vitest";
import { LEGACY_FLAGS, MATMUL_TILES, type WgslFlags } from "../../compiler/backends/wgsl/index.js";
import type { Graph } from "../../compiler/ir/types.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { prepare } from "../../index.js";
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

async function compare(backend: WebGpuBackend, graph: Graph, names: string[], shapes: [number, number][], passes: "all" | "none", flags: Partial<WgslFlags> = {}): Promise<void> {
  const weights = denseWeights(graph, 7);
  const executor = await prepare("wgsl", graph, weights, { outputs: names, passes, options: { flags }, device: await sharedDevice(backend) });
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
    // 70 > the attention tiles: multi-tile paths; 1 x 1: the degenerate edge.
    await compare(adapter.backend, graph, Object.keys(graph.outputs), [[1, 1], [3, 9], [1, 70]], "all");
  });

  // Every tiling and kernel variant the flags can pick, on shapes crossing their tile edges (M = 2·70 = 140 > 128).
  // On the first adapter only (not even listed for the others): SwiftShader takes seconds per pipeline (its subgroup paths: subgroups.test.ts).
  if (adapter === LOCAL_ADAPTERS[0]) it.each([
    ...Object.values(MATMUL_TILES).flatMap((tile) => [true, false].map((doubleBuffer) => [`matmul ${tile.name}${doubleBuffer ? " double-buffered" : ""}`, { matmulTiles: [tile], matmulDoubleBuffer: doubleBuffer }] as const)),
    ["attention 1 invocation per query (the legacy kernel)", LEGACY_FLAGS],
    ["attention 2 invocations per query, 8-key tiles", { attentionThreadsPerQuery: 2, attentionKeyTile: 8, attentionQueryTile: 16 }],
    ["matmul + LayerNorm over 2 rows", { normMatmulRows: 2 }],
    ["the two-dispatch fallback of matmul + LayerNorm", { normMatmulMaxColumns: 4 }],
    ["span conv over 32 channels (several heads per tile), 3 rows", { spanConvChannels: 32, spanConvRows: 3 }],
  ] as [string, Partial<WgslFlags>][])("mixed with %s", async (_, flags) => {
    const graph = graphOf("mixed");
    await compare(adapter.backend, graph, ["last_hidden_state", "mlm_logits", "cls_logits"], [[2, 70], [1, 5]], "all", flags);
  });
});
}
