import { describe, expect, it } from "vitest";
import { activationMemory } from "../../compiler/analysis/memory.js";
import { GraphBuilder } from "../../compiler/ir/builder.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { ActivationOp, AddOp, GatherOp, Graph, LinearOp } from "../../compiler/ir/types.js";
import { ARENA_ALIGNMENT, lastUses, optimize, planMemory, type MemoryPlan } from "../../compiler/passes/index.js";
import { heterogeneousSpec, REAL_SPECS } from "./fixtures.js";

/** e = gather(ids); p = gelu(e); q = linear(p) 8->16; r = gelu(q); s = r + q. */
function chainGraph(): Graph {
  const b = new GraphBuilder();
  b.addValue("input_ids", ["B", "L"], "i32");
  b.addValue("attention_mask", ["B", "L"]);
  b.addValue("token_type_ids", ["B", "L"], "i32");
  b.param("table", [10, 8], "normal");
  b.param("w", [16, 8], "normal");
  const e = b.op<GatherOp>({ kind: "gather", inputs: ["input_ids"], table: "table" }, "e", ["B", "L", 8]);
  const p = b.op<ActivationOp>({ kind: "activation", inputs: [e], fn: "gelu" }, "p", ["B", "L", 8]);
  const q = b.op<LinearOp>({ kind: "linear", inputs: [p], inFeatures: 8, groups: 1, segments: [{ weight: "w", bias: null, outFeatures: 16 }], activation: "none" }, "q", ["B", "L", 16]);
  const r = b.op<ActivationOp>({ kind: "activation", inputs: [q], fn: "gelu" }, "r", ["B", "L", 16]);
  const s = b.op<AddOp>({ kind: "add", inputs: [r, q] }, "s", ["B", "L", 16]);
  const inputs = { input_ids: b.values.input_ids, attention_mask: b.values.attention_mask, token_type_ids: b.values.token_type_ids };
  return { name: "chain", spec: heterogeneousSpec(), inputs, params: b.params, values: b.values, ops: b.ops, outputs: { out: s } };
}

function expectNoConflicts(plan: MemoryPlan): void {
  const slots = [...plan.slots.values()];
  for (const slot of slots) {
    expect(slot.offset % ARENA_ALIGNMENT).toBe(0);
    expect(slot.offset + slot.bytes).toBeLessThanOrEqual(plan.arenaBytes);
  }
  for (let i = 0; i < slots.length; i++)
    for (let j = i + 1; j < slots.length; j++) {
      const [x, y] = [slots[i], slots[j]];
      const liveTogether = x.def <= y.lastUse && y.def <= x.lastUse;
      const shareBytes = x.offset < y.offset + y.bytes && y.offset < x.offset + x.bytes;
      if (liveTogether && shareBytes) expect.fail(`'${x.id}' and '${y.id}' are live together and overlap in the arena`);
    }
}

describe("liveness and activation memory on a hand-checked chain", () => {
  const graph = chainGraph();
  const at = { batch: 1, seqLen: 4 }; // e, p: 4·8·4 = 128 bytes; q, r, s: 256 bytes

  it("last uses: each value's last reader, requested outputs to the end", () => {
    expect(Object.fromEntries(lastUses(graph, ["out"]))).toEqual({ input_ids: 0, e: 1, p: 2, q: 4, r: 4, s: 5 });
  });

  it("sum and peak of live bytes", () => {
    // live per op: [e] 128, [e p] 256, [p q] 384, [q r] 512, [q r s] 768
    // no attention or dynamic conv: no scratch
    expect(activationMemory(graph, ["out"], at)).toEqual({ intermediatesBytes: 1024, peakBytes: 768, peakOp: "s", peakWithScratchBytes: 768 });
  });

  it("the plan reuses e's and p's bytes", () => {
    const plan = planMemory(graph, ["out"], at);
    const offsets = Object.fromEntries([...plan.slots].map(([id, slot]) => [id, slot.offset]));
    expect(offsets).toEqual({ q: 0, r: 256, s: 512, e: 0, p: 256 });
    expect(plan.arenaBytes).toBe(768);
    expect(plan.intermediatesBytes).toBe(1024);
    expectNoConflicts(plan);
  });
});

describe("memory plan of real graphs", () => {
  it.each([
    ["conv-bert-small without heads, plain", { ...REAL_SPECS["conv-bert-small"], heads: { mlm: null, classifier: null, pooler: false } }, "none"],
    ["conv-bert-small, optimised", REAL_SPECS["conv-bert-small"], "all"],
    ["heterogeneous, optimised", heterogeneousSpec(), "all"],
  ] as const)("%s: arena <= sum, >= peak, no two live values overlap", (_, spec, passes) => {
    const outputs = ["last_hidden_state"]; // (the vocab-wide MLM logits alone would dwarf the layers)
    const graph = optimize(lowerToIR(spec), { passes, requestedOutputs: outputs });
    const at = { batch: 2, seqLen: 24 };
    const plan = planMemory(graph, outputs, at);
    const { peakBytes, intermediatesBytes } = activationMemory(graph, outputs, at);
    expect(plan.intermediatesBytes).toBe(intermediatesBytes);
    expect(plan.arenaBytes).toBeLessThanOrEqual(intermediatesBytes);
    expect(plan.arenaBytes).toBeGreaterThanOrEqual(peakBytes);
    expect(plan.arenaBytes).toBeLessThan(intermediatesBytes / 4); // 12 layers reuse the same few buffers
    expectNoConflicts(plan);
  });
});
