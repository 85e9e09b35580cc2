/**
 * Fusion lives in the IR passes only: with `--opt none` every WGSL dispatch
 * computes exactly one IR op, and the dispatched ops are all of the graph's
 * but the pure views; with all passes, conv-bert-base keeps its 136 dispatches.
 */
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { loadSpec } from "../../compiler/load.js";
import { optimize } from "../../compiler/passes/index.js";
import { repoRoot } from "../helpers/golden.js";

const graph = lowerToIR(await loadSpec(`${repoRoot}/specs/conv-bert-base.convspec`));
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

  it("--opt all: 136 dispatches (11 per layer, the embeddings, the MLM head)", () => {
    const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });
    expect(plan.dispatches.length).toBe(136);
    expect(plan.dispatches.every((d) => d.ops.length === 1)).toBe(true);
  });
});
