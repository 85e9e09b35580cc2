/** The generated WGSL and the dispatch schedule of a small spec, pinned: any codegen change shows up in review. */
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { optimize } from "../../compiler/passes/index.js";
import { graphOf } from "./models.js";

const graph = graphOf("mixed");
const outputs = ["last_hidden_state", "mlm_logits", "cls_logits"];
const plan = compileWgsl(optimize(graph, { passes: "all", requestedOutputs: outputs }), { outputs });

describe("WGSL of the 'mixed' test spec", () => {
  it.each(plan.kernels.map((k) => [k.name, k.code] as const))("kernel %s", async (name, code) => {
    await expect(code).toMatchFileSnapshot(`__snapshots__/kernels/${name}.wgsl`);
  });

  it("schedules one IR op per dispatch, in order", async () => {
    const lines = plan.dispatches.map((d) => `${d.kernel}: ${d.ops.join(" + ")}`);
    await expect(lines.join("\n")).toMatchFileSnapshot("__snapshots__/schedule.txt");
    expect(plan.dispatches.every((d) => d.ops.length === 1)).toBe(true);
    // The IR fusions the schedule must show: the embeddings (gather + positions + gather + LN) in one kernel,
    // q-gating in the matmul's loads, attention and conv writing the concat in place (no dispatch for it).
    expect(lines[0]).toBe("layer_norm_gpg_eps1e_12: emb.norm");
    expect(lines.some((l) => /^matmul_gated/.test(l) && l.endsWith("l0.conv_kernel"))).toBe(true);
    expect(plan.dispatches.some((d) => d.ops.includes("l0.mixed_attention"))).toBe(false);
  });

  it("reuses intermediate buffers", () => {
    expect(plan.slots.length).toBe(5);
    expect(plan.memory.arenaBytes).toBeLessThan(plan.memory.intermediateBytes / 4);
  });
});
