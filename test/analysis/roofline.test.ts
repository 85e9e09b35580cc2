/**
 * The cost model: device profiles (schema, sources), kernels from the IR and
 * from a WGSL plan (FLOPs and bytes), the roofline formula, and a check of
 * the calibrated native-CPU profile against measured latencies.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deviceIds, deviceProfiles, findDevice, profileProblems, type DeviceProfiles } from "../../compiler/analysis/devices.js";
import { forwardFlops } from "../../compiler/analysis/flops.js";
import { kernelsFromGraph, kernelsFromPlan, type Kernel } from "../../compiler/analysis/kernels.js";
import { predictKernel, predictLatency } from "../../compiler/analysis/roofline.js";
import { compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { optimize } from "../../compiler/passes/index.js";
import { goldenDir } from "../helpers/golden.js";
import { heterogeneousSpec, REAL_SPECS } from "./fixtures.js";

const OUT = ["last_hidden_state"];
const backbone = (graph: Graph) => optimize(graph, { passes: "all", requestedOutputs: OUT });

describe("device profiles", () => {
  it("the shipped file is valid: every figure has a source, every efficiency set exists, names are unique", () => {
    expect(profileProblems(deviceProfiles())).toEqual([]);
    expect(deviceIds()).toEqual(expect.arrayContaining(["h100", "a100-40gb", "a100-80gb", "l4", "rtx4090", "m2", "m3", "iris-xe", "cpu-wasm"]));
    for (const id of deviceIds()) {
      const d = findDevice(id);
      for (const figure of [d.computeUnits, d.memoryBandwidth, d.dispatchOverhead, ...Object.values(d.peakFlops)]) expect(figure!.source.length).toBeGreaterThan(10);
    }
  });

  it("a figure without a source, or a device naming no efficiency set, is refused", () => {
    const doc = structuredClone(deviceProfiles()) as DeviceProfiles;
    delete (doc.devices[0].memoryBandwidth as { source?: string }).source;
    expect(profileProblems(doc)).toEqual(["/devices/0/memoryBandwidth must have required property 'source'"]);
    const dangling = structuredClone(deviceProfiles()) as DeviceProfiles;
    dangling.devices[1].efficiency = "nowhere";
    expect(profileProblems(dangling)).toEqual([`${dangling.devices[1].id}: unknown efficiency set 'nowhere'`]);
  });

  it("aliases resolve, case-insensitively", () => {
    expect(findDevice("A100").id).toBe("a100-40gb");
    expect(findDevice("4090").id).toBe("rtx4090");
  });
});

describe("kernels", () => {
  const graph = backbone(lowerToIR(heterogeneousSpec()));
  const at = { batch: 2, seqLen: 7 };

  it("from the IR: one kernel per computing op, FLOPs summing to the analysis' FLOPs", () => {
    const kernels = kernelsFromGraph(graph, at);
    expect(kernels.length).toBe(graph.ops.filter((op) => op.kind !== "slice" && op.kind !== "take_first").length);
    expect(kernels.reduce((s, k) => s + k.flops, 0)).toBe(forwardFlops(graph, at).total);
  });

  it("a linear's bytes are its inputs, outputs and parameters (fused operands' included), once each", () => {
    const kernels = kernelsFromGraph(graph, at);
    const op = graph.ops.find((o) => o.kind === "linear" && o.segments.length > 1)!;
    if (op.kind !== "linear") throw new Error("unreachable");
    const size = (id: string) => graph.values[id].shape.reduce<number>((n, d) => n * (d === "B" ? at.batch : d === "L" ? at.seqLen : d), 1);
    const param = (key: string) => graph.params.find((p) => p.key === key)!.shape.reduce((a, b) => a * b, 1);
    // The fused projection reads x and the depthwise weights of its span-key segment too.
    const params = new Set(op.segments.flatMap((g) => [...(g.operand.kind === "depthwise_conv" ? [g.operand.weight] : []), g.weight, ...(g.bias ? [g.bias] : [])]));
    expect(op.segments.some((g) => g.operand.kind === "depthwise_conv")).toBe(true);
    const expected = op.inputs.reduce((s, v) => s + size(v), 0) + op.outputs.reduce((s, v) => s + size(v), 0) + [...params].reduce((s, k) => s + param(k), 0);
    expect(kernels.find((k) => k.name === op.id)!).toMatchObject({ class: "matmul", bytes: 4 * expected });
    expect(kernelsFromGraph(graph, { ...at, bytesPerElement: 2 }).find((k) => k.name === op.id)!.bytes).toBe(2 * expected);
  });

  it("from the WGSL plan: one kernel per dispatch, the same FLOPs; the fused plan moves fewer bytes than the plain lowering", () => {
    const plan = compileWgsl(graph, { outputs: OUT });
    const fromPlan = kernelsFromPlan(graph, plan, at);
    expect(fromPlan.length).toBe(plan.dispatches.length);
    expect(fromPlan.reduce((s, k) => s + k.flops, 0)).toBe(forwardFlops(graph, at).total);
    for (const k of fromPlan) expect(k.workgroups, k.name).toBeGreaterThan(0);
    // Fusion is in the IR: the same model unfused stores and re-reads every intermediate the passes folded away.
    const plain = optimize(lowerToIR(heterogeneousSpec()), { passes: ["dce"], requestedOutputs: OUT });
    const plainPlan = kernelsFromPlan(plain, compileWgsl(plain, { outputs: OUT }), at);
    const bytes = (ks: readonly Kernel[]) => ks.reduce((s, k) => s + k.bytes, 0);
    expect(bytes(fromPlan)).toBeLessThan(bytes(plainPlan));
    expect(fromPlan.length).toBeLessThan(plainPlan.length);
  });
});

describe("roofline", () => {
  const h100 = findDevice("h100");
  const kernel: Kernel = { name: "k", class: "matmul", part: "ffn", ops: ["k"], flops: 1e12, bytes: 1e9, workgroups: 66 };

  it("time = overhead + max(compute, memory), both slowed by the share of compute units busy", () => {
    const t = predictKernel(kernel, h100);
    expect(t.fill).toBe(0.5);
    expect(t.computeSeconds).toBeCloseTo(1e12 / (66.9e12 * 0.35 * 0.5), 15);
    expect(t.memorySeconds).toBeCloseTo(1e9 / (3.35e12 * 0.7 * 0.5), 15);
    expect(t.bound).toBe("compute");
    expect(t.seconds).toBeCloseTo(6e-6 + t.computeSeconds, 15);
    // 133 workgroups on 132 SMs: two waves, the second nearly empty.
    expect(predictKernel({ ...kernel, workgroups: 133 }, h100).fill).toBeCloseTo(133 / 264, 12);
    expect(predictKernel({ ...kernel, workgroups: undefined }, h100).fill).toBe(1);
  });

  it("fp16 uses the fp16 peak; a device without one says so", () => {
    expect(predictKernel(kernel, h100, "fp16").computeSeconds).toBeCloseTo(1e12 / (133.8e12 * 0.35 * 0.5), 15);
    expect(() => predictKernel(kernel, findDevice("cpu-wasm"), "fp16")).toThrow("device 'cpu-wasm' has no fp16 peak in device-profiles.json (it has fp32)");
  });

  it("the model's latency is the sum of its kernels, split by class and part", () => {
    const graph = backbone(lowerToIR(REAL_SPECS["conv-bert-base"]));
    const p = predictLatency(kernelsFromPlan(graph, compileWgsl(graph, { outputs: OUT }), { batch: 1, seqLen: 128 }), h100);
    const byClass = Object.values(p.byClass).reduce((a, b) => a + b, 0);
    expect(byClass).toBeCloseTo(p.seconds, 12);
    expect(Object.values(p.byPart).reduce((a, b) => a + b, 0)).toBeCloseTo(p.seconds, 12);
    expect(p.overheadSeconds).toBeCloseTo(p.dispatches * 6e-6, 12);
    expect(p.byClass.matmul).toBeGreaterThan(p.byClass.attention);
  });

  it("the native-CPU profile predicts the measured ONNX Runtime latencies (cpu-baselines.json) within -40%..+60%", () => {
    const baselines = JSON.parse(readFileSync(join(goldenDir, "cpu-baselines.json"), "utf8")) as { results: Record<string, { ort_node_median_ms: number[] }> };
    const cpu = findDevice("cpu-ort");
    const ratios: string[] = [];
    for (const [cell, { ort_node_median_ms: ms }] of Object.entries(baselines.results)) {
      const [, name, batch, seqLen] = /^(\S+) B=(\d+) L=(\d+)$/.exec(cell)!;
      const graph = backbone(lowerToIR(REAL_SPECS[name]));
      const predicted = predictLatency(kernelsFromGraph(graph, { batch: Number(batch), seqLen: Number(seqLen) }), cpu).seconds * 1e3;
      const measured = ms.reduce((a, b) => a + b, 0) / ms.length;
      ratios.push(`${cell}: ${(predicted / measured).toFixed(2)}`);
      expect(predicted / measured, cell).toBeGreaterThan(0.6);
      expect(predicted / measured, cell).toBeLessThan(1.6);
    }
    expect(ratios.length).toBe(6);
  });
});
