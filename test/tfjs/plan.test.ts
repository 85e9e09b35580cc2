import { describe, expect, it } from "vitest";
import { buildTfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import { printTfjsPlan } from "../../compiler/backends/tfjs/print.js";
import { optimize } from "../../compiler/passes/index.js";
import { UserError } from "../../compiler/errors.js";
import { loadGoldenCase } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";

const { graph } = goldenModel(loadGoldenCase("tiny-grouped-proj"));

describe("tfjs plan", () => {
  it("frees every intermediate exactly once, right after its last reader, and keeps the requested outputs", () => {
    const requested = ["hidden_states.1", "last_hidden_state"];
    const plan = buildTfjsPlan(graph, requested);
    const kept = new Set(Object.values(plan.outputs));
    const freedAt = new Map<string, number>();
    plan.steps.forEach((step, i) => step.frees.forEach((id) => {
      expect(freedAt.has(id), id).toBe(false);
      freedAt.set(id, i);
    }));
    plan.steps.forEach((step, i) => {
      for (const id of step.op.inputs) expect(freedAt.get(id) ?? Infinity, `${step.op.id} reads ${id}`).toBeGreaterThanOrEqual(i);
      for (const id of step.op.outputs) expect(kept.has(id) || freedAt.has(id), `${id} is never freed`).toBe(true);
    });
    for (const id of kept) expect(freedAt.has(id)).toBe(false);
  });

  it("runs only the ops the requested outputs need", () => {
    const hidden = buildTfjsPlan(graph, ["hidden_states.0"]);
    expect(hidden.steps.every((s) => s.op.part === "embeddings")).toBe(true);
    expect(hidden.inputs.sort()).toEqual(["input_ids", "token_type_ids"]);
    const full = buildTfjsPlan(graph);
    expect(full.steps.length).toBe(graph.ops.length);
  });

  it("lays out fused projections as one concatenated, transposed kernel", () => {
    const fused = optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state"] });
    // The direct lowering (--opt none) keeps one matMul per fused projection (the tuned ones are tested below).
    const plan = buildTfjsPlan(fused, ["last_hidden_state"], "webgpu", "direct");
    const { weights } = plan.variants.webgpu!;
    const qkv = weights.find((w) => w.kind === "linear_kernel" && w.sources.length === 4);
    expect(qkv).toMatchObject({ inFeatures: 64, outFeatures: [32, 32, 32, 32], groups: 1 });
    const grouped = weights.find((w) => w.name === "l0.intermediate:kernel");
    expect(grouped).toMatchObject({ kind: "linear_kernel", groups: 2 });
    const text = printTfjsPlan(plan);
    expect(text).toMatch(/concat \[out,in\] \+ transpose -> \[64,128\]/);
    expect(text).toMatch(/linear:fused\.matMul\+bias->split4/);
    expect(text).toMatch(/linear:batchMatMul\[G=2\]\+bias\+gelu/);
  });

  it("chooses per backend: wasm runs a fused projection as one matMul per segment and attention per head", () => {
    const fused = optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state"] });
    const plan = buildTfjsPlan(fused, ["last_hidden_state"], "wasm");
    expect(Object.keys(plan.variants)).toEqual(["wasm"]);
    const { lowering, weights, forms } = plan.variants.wasm!;
    expect(lowering).toMatchObject({ name: "tuned", attention: "per_head", segments: "per_segment" });
    const qkvStep = plan.steps.findIndex((s) => s.op.kind === "linear" && s.op.segments.length === 4);
    expect(forms[qkvStep]).toMatchObject({ kind: "linear", blocks: [{ start: 0, size: 32 }, { start: 32, size: 32 }, { start: 64, size: 32 }, { start: 96, size: 32 }] });
    const id = plan.steps[qkvStep].op.id;
    expect(weights.filter((w) => w.kind === "linear_kernel" && w.name.startsWith(`${id}:`)).map((w) => w.name)).toEqual(
      ["[0:32]", "[32:64]", "[64:96]", "[96:128]"].map((range) => `${id}:kernel${range}`),
    );
    // GELU after a linear: weights prescaled by 1/√2.
    expect(weights.find((w) => w.name === "l0.intermediate:kernel")).toMatchObject({ scale: Math.SQRT1_2 });
    const text = printTfjsPlan(plan);
    expect(text).toMatch(/on wasm: tuned lowering: XNNPACK/);
    expect(text).toMatch(/attention per_head, segments per_segment, gelu erf_prescaled/);
    expect(text).toMatch(/per-head 2-D matMuls, K transposed once/);
  });

  it("auto keeps a variant per backend; the direct lowering (--opt none) forms every op as written", () => {
    const auto = buildTfjsPlan(graph, ["last_hidden_state"]);
    expect(Object.keys(auto.variants)).toEqual(["tensorflow", "webgpu", "wasm", "cpu"]);
    const direct = buildTfjsPlan(graph, ["last_hidden_state"], "wasm", "direct");
    const { lowering, forms, weights } = direct.variants.wasm!;
    expect(lowering.name).toBe("direct");
    expect(forms.filter((f) => f.kind === "attention").every((f) => f.kind === "attention" && f.matmuls === "batched")).toBe(true);
    expect(forms.every((f) => f.kind !== "linear" || (f.blocks.length === 1 && f.activation !== "gelu_prescaled"))).toBe(true);
    expect(weights.every((w) => w.kind !== "linear_kernel" || w.scale === 1)).toBe(true);
  });

  it("an unknown output is a UserError listing the real ones", () => {
    expect(() => buildTfjsPlan(graph, ["last_hidden_states"])).toThrow(UserError);
    expect(() => buildTfjsPlan(graph, ["last_hidden_states"])).toThrow(/did you mean 'last_hidden_state'/);
  });
});
