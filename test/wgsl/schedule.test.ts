/**
 * Fusion lives in the IR passes only: with `--opt none` every WGSL dispatch
 * computes exactly one IR op, and the dispatched ops are all of the graph's
 * but the pure views. With all passes, conv-bert-base's backbone at B1 L128
 * takes at most 6 dispatches per layer, and every matmul launches at least
 * the target workgroups unless its output has fewer tiles than that.
 */
import { describe, expect, it } from "vitest";
import { compileWgsl, DEFAULT_FLAGS } from "../../compiler/backends/wgsl/index.js";
import { evalSize } from "../../compiler/backends/wgsl/sizes.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { loadSpec } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import { repoRoot } from "../helpers/golden.js";

const spec = await loadSpec(`${repoRoot}/specs/conv-bert-base.convspec`);
const graph = lowerToIR(spec);
const outputs = contractOutputs(graph);
const VIEWS = new Set(["slice", "take_first", "positions", "concat"]); // no kernel: views of other buffers (concat written in place)

describe("conv-bert-base, every contract output", () => {
  it("--opt none: one IR op per dispatch, every computing op dispatched", () => {
    const plain = optimize(graph, { passes: "none", requestedOutputs: outputs });
    const plan = compileWgsl(plain, { outputs });
    expect(plan.dispatches.every((d) => d.ops.length === 1)).toBe(true);
    const dispatched = new Set(plan.dispatches.map((d) => d.ops[0]));
    const computing = plain.ops.filter((op) => !VIEWS.has(op.kind)).map((op) => op.id);
    expect([...dispatched].sort()).toEqual(computing.sort());
    expect(plan.dispatches.length).toBe(225);
  });

  it("--opt all: 76 dispatches (6 per layer, the embeddings, the MLM head's 3), each computing one IR op", () => {
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });
    expect(plan.dispatches.length).toBe(76);
    expect(plan.dispatches.every((d) => d.ops.length === 1)).toBe(true);
  });
});

describe("conv-bert-base backbone at B1 L128", () => {
  const backbone = lowerToIR({ ...spec, heads: { mlm: null, classifier: null, pooler: false } });
  const wanted = ["last_hidden_state"];
  const plan = compileWgsl(optimize(backbone, { passes: "all", requestedOutputs: wanted }), { outputs: wanted, reference: { B: 1, L: 128 } });
  const at = (e: Parameters<typeof evalSize>[0]) => evalSize(e, 1, 128);

  it("at most 6 dispatches per layer", () => {
    const perLayer = new Map<number, number>();
    for (const d of plan.dispatches) {
      const layer = backbone.ops.find((op) => op.id === d.ops[0])?.layer;
      if (layer !== undefined) perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
    }
    expect(perLayer.size).toBe(12);
    for (const [layer, count] of perLayer) expect(count, `layer ${layer}`).toBeLessThanOrEqual(6);
  });

  it("no matmul launches fewer than the target workgroups unless even the smallest tiling has fewer tiles", () => {
    const target = DEFAULT_FLAGS.matmulTargetWorkgroups;
    const smallest = DEFAULT_FLAGS.matmulTiles.at(-1)!;
    for (const d of plan.dispatches.filter((x) => x.kernel.startsWith("matmul_") && !x.kernel.startsWith("matmul_norm"))) {
      const workgroups = d.grid.reduce((n, g) => n * Math.ceil(at(g.size) / g.divisor), 1);
      if (workgroups >= target) continue;
      const [cols, rows, groups] = d.grid.map((g) => at(g.size));
      const smallestTiles = Math.ceil(cols / smallest.TN) * Math.ceil(rows / smallest.TM) * groups;
      expect(smallestTiles, `${d.kernel} (${d.ops[0]}): ${workgroups} workgroups`).toBeLessThan(target);
      expect(d.choice).toBe(`tile ${smallest.name}`);
    }
  });

  it("reuses buffers across the 12 layers: the arena is under a tenth of all intermediates", () => {
    expect(plan.memory.arenaBytes).toBeLessThan(plan.memory.intermediateBytes / 10);
  });
});
