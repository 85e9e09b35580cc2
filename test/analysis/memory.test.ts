import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { activationMemory, valueBytes } from "../../compiler/analysis/memory.js";
import { summarizeModel } from "../../compiler/analysis/summary.js";
import { arenaBytesAt, compileWgsl } from "../../compiler/backends/wgsl/index.js";
import { GraphBuilder } from "../../compiler/ir/builder.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { ActivationOp, AddOp, GatherOp, Graph, LinearOp } from "../../compiler/ir/types.js";
import { assignSlots, lastUses, optimize, type BufferUse, type SlotAssignment } from "../../compiler/passes/index.js";
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
  const q = b.op<LinearOp>({ kind: "linear", inputs: [p], inFeatures: 8, groups: 1, segments: [{ weight: "w", bias: null, outFeatures: 16 , operand: { kind: "input" } }], activation: "none" }, "q", ["B", "L", 16]);
  const r = b.op<ActivationOp>({ kind: "activation", inputs: [q], fn: "gelu" }, "r", ["B", "L", 16]);
  const s = b.op<AddOp>({ kind: "add", inputs: [r, q] }, "s", ["B", "L", 16]);
  const inputs = { input_ids: b.values.input_ids, attention_mask: b.values.attention_mask, token_type_ids: b.values.token_type_ids };
  return { name: "chain", spec: heterogeneousSpec(), inputs, params: b.params, values: b.values, ops: b.ops, outputs: { out: s } };
}

/** Every buffer's live range [first step, last step] by the steps that touch it. */
function liveRanges(steps: readonly BufferUse[]): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  steps.forEach((step, i) => {
    for (const id of [...step.reads, ...step.writes]) {
      const range = ranges.get(id);
      if (range) range[1] = i;
      else ranges.set(id, [i, i]);
    }
  });
  return ranges;
}

/** No two buffers of one slot are live at once (pinned ones live to the end). */
function expectNoConflicts(steps: readonly BufferUse[], { members }: SlotAssignment, pinned: ReadonlySet<string>): void {
  const ranges = liveRanges(steps);
  const end = (id: string) => (pinned.has(id) ? steps.length : ranges.get(id)![1]);
  for (const slot of members)
    for (let i = 0; i < slot.length; i++)
      for (let j = i + 1; j < slot.length; j++) {
        const [x, y] = [slot[i], slot[j]];
        if (ranges.get(x)![0] <= end(y) && ranges.get(y)![0] <= end(x)) expect.fail(`'${x}' and '${y}' share a slot while both are live`);
      }
}

/** The IR ops as planner steps: each reads its inputs and writes its outputs. */
const opSteps = (graph: Graph): BufferUse[] => graph.ops.map((op) => ({ reads: op.inputs.filter((id) => !(id in graph.inputs)), writes: op.outputs }));

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

  it("the planner reuses e's and p's slots for q and r", () => {
    const steps = opSteps(graph);
    const bytes = (id: string) => valueBytes(graph.values[id], at);
    const pinned = new Set(["s"]);
    const plan = assignSlots(steps, bytes, pinned);
    expect(plan.members).toEqual([["e", "q"], ["p", "r"], ["s"]]);
    const arena = plan.members.reduce((sum, ids) => sum + Math.max(...ids.map(bytes)), 0);
    expect(arena).toBe(768); // the peak of live bytes: nothing wasted on this chain
    expectNoConflicts(steps, plan, pinned);
  });
});

describe("the memory planner", () => {
  it("never lets two live buffers share a slot (1,000 random step sequences)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ reads: fc.array(fc.nat(11), { maxLength: 3 }), writes: fc.array(fc.nat(11), { maxLength: 2 }), size: fc.integer({ min: 1, max: 64 }) }), { maxLength: 30 }), (raw) => {
        // A buffer is written before it is read: drop reads of buffers not written yet.
        const written = new Set<string>();
        const sizes = new Map<string, number>();
        const steps: BufferUse[] = raw.map((r) => {
          const reads = r.reads.map((n) => `v${n}`).filter((id) => written.has(id));
          const writes = r.writes.map((n) => `v${n}`).filter((id) => !written.has(id));
          for (const id of writes) {
            written.add(id);
            sizes.set(id, r.size);
          }
          return { reads, writes };
        });
        const pinned = new Set([...written].filter((_, i) => i % 5 === 0));
        const plan = assignSlots(steps, (id) => sizes.get(id)!, pinned);
        expect(new Set(plan.slotOf.keys())).toEqual(written);
        expectNoConflicts(steps, plan, pinned);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the WGSL arena of real graphs is what compare reports", () => {
  it.each([
    ["conv-bert-small without heads, plain", { ...REAL_SPECS["conv-bert-small"], heads: { mlm: null, classifier: null, pooler: false } }, "none"],
    ["conv-bert-small, optimised", REAL_SPECS["conv-bert-small"], "all"],
    ["heterogeneous, optimised", heterogeneousSpec(), "all"],
  ] as const)("%s: arena well under the sum of intermediates; compare's figure equals the plan's", (_, spec, passes) => {
    const outputs = ["last_hidden_state"]; // (the vocab-wide MLM logits alone would dwarf the layers)
    const graph = optimize(lowerToIR(spec), { passes, requestedOutputs: outputs });
    const plan = compileWgsl(graph, { outputs });
    const { reference, arenaBytes, intermediateBytes } = plan.memory;
    expect(arenaBytesAt(plan, reference.B, reference.L)).toBe(arenaBytes);
    expect(arenaBytes).toBeLessThan(intermediateBytes / 4); // 12 layers reuse the same few buffers
    if (passes === "all") {
      const summary = summarizeModel("x", spec, { batch: 2, seqLens: [12] }); // (the heterogeneous spec has 16 positions)
      expect(summary.memory.bySeqLen[12].arenaBytes).toBe(arenaBytesAt(plan, 2, 12));
    }
  });
});
