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
    // The IR fusions the schedule must show: the embeddings (gather + positions + gather + LN) in one kernel;
    // the span key's depthwise conv in the projection's operand loads (runs: plain, then depthwise);
    // the gated kernel-logits linear inside the span conv; each residual LN with its projection;
    // attention and conv writing the concat in place (no dispatch for it).
    expect(lines[0]).toBe("layer_norm_gpg_eps1e_12_wg64: emb.norm");
    expect(lines).toContain("matmul_32x32_db_id5_bias_w4: l0.query");
    expect(lines).toContain("span_conv_h2_d8_k5_bias_r8_c64: l0.span_conv");
    expect(lines).toContain("matmul_norm_n32_g1_r4_bias_r_eps1e_12: l0.attention_output");
    expect(plan.dispatches.some((d) => d.ops.includes("l0.mixed_attention"))).toBe(false);
  });

  it("reuses intermediate buffers", () => {
    expect(plan.slots.length).toBe(4);
    expect(plan.memory.arenaBytes).toBeLessThan(plan.memory.intermediateBytes); // the 12-layer case: schedule.test.ts
  });
});
