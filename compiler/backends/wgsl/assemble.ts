/**
 * Scheduled dispatches -> the `WgslProgramPlan`: intermediate buffers get
 * slots from the memory planner (compiler/passes/memory-plan.ts, liveness
 * over the dispatches), each kernel's WGSL is generated once per name, and
 * the memory report is taken at REFERENCE_SHAPE.
 */
import { debugEnabled } from "../../debug.js";
import { inputLimits, type Graph } from "../../ir/types.js";
import { assignSlots, REFERENCE_SHAPE } from "../../passes/memory-plan.js";
import { PLAN_FORMAT, type BufferRef, type KernelSource, type PlanDispatch, type PlanOutput, type WeightBuffer, type WgslProgramPlan } from "./plan.js";
import { kernelName, type Program } from "./program.js";
import { evalSize, sameSize, type GridDim, type SizeExpr } from "./sizes.js";
import { rowsOf, type DraftRef, type View } from "./views.js";

/** A dispatch before slot assignment: its bindings name intermediates by root id. */
export interface DraftDispatch {
  program: Program;
  ops: string[];
  bindings: DraftRef[];
  uniforms: SizeExpr[];
  grid: [GridDim, GridDim, GridDim];
}

export interface ScheduledGraph {
  graph: Graph;
  dispatches: readonly DraftDispatch[];
  /** Intermediate root id -> its element count. */
  roots: ReadonlyMap<string, SizeExpr>;
  weights: ReadonlyMap<string, WeightBuffer>;
  /** Requested output name -> the view that holds it. */
  outputs: Record<string, View>;
}

export function assemblePlan({ graph, dispatches: drafts, roots, weights, outputs: outputViews }: ScheduledGraph): WgslProgramPlan {
  const kernels = new Map<string, KernelSource>();
  const uses = drafts.map((d) => ({
    reads: d.bindings.flatMap((b, i) => (b.kind === "root" && d.program.bindings[i].access === "read" ? [b.id] : [])),
    writes: d.bindings.flatMap((b, i) => (b.kind === "root" && d.program.bindings[i].access === "read_write" ? [b.id] : [])),
  }));
  const pinned = new Set(Object.values(outputViews).flatMap((v) => (v.buffer.kind === "root" ? [v.buffer.id] : [])));
  const sizeOf = (root: string): SizeExpr => roots.get(root)!;
  const { slotOf, members } = assignSlots(uses, (root) => evalSize(sizeOf(root), REFERENCE_SHAPE.B, REFERENCE_SHAPE.L), pinned);
  const slots = members.map((ids) => ids.map(sizeOf));
  const ref = (d: DraftRef): BufferRef => (d.kind === "root" ? { kind: "slot", index: slotOf.get(d.id)! } : d);

  const dispatches: PlanDispatch[] = drafts.map((d) => {
    const name = kernelName(d.program.cacheKey);
    if (!kernels.has(name)) {
      const code = d.program.getUserCode();
      if (debugEnabled("kernels")) process.stderr.write(`// ---- kernel ${name} ----\n${code}\n`);
      kernels.set(name, { name, code, workgroupSize: d.program.workgroupSize, storageBindings: d.program.bindings.length, workgroupStorageBytes: d.program.workgroupStorageBytes });
    }
    return { kernel: name, ops: d.ops, bindings: d.bindings.map(ref), uniforms: d.uniforms, grid: d.grid };
  });
  const outputs: Record<string, PlanOutput> = Object.create(null);
  for (const [name, view] of Object.entries(outputViews)) {
    const shape = graph.values[graph.outputs[name]].shape;
    outputs[name] = { buffer: ref(view.buffer), offset: view.offset, rowStride: view.stride, rows: rowsOf(shape), cols: view.cols, shape: [...shape] };
  }
  const bytes = (e: SizeExpr) => 4 * evalSize(e, REFERENCE_SHAPE.B, REFERENCE_SHAPE.L);
  return {
    format: PLAN_FORMAT,
    model: graph.name,
    limits: inputLimits(graph.spec),
    kernels: [...kernels.values()],
    weights: [...weights.values()],
    slots: slots.map((sizes) => ({ sizes: dedupe(sizes) })),
    dispatches,
    outputs,
    memory: {
      reference: { ...REFERENCE_SHAPE },
      arenaBytes: slots.reduce((s, sizes) => s + Math.max(...sizes.map(bytes)), 0),
      intermediateBytes: [...roots.values()].reduce((s, e) => s + bytes(e), 0),
    },
  };
}

/** Bytes of the plan's intermediate slots when it runs at (B, L): each slot as large as its largest member. */
export function arenaBytesAt(plan: WgslProgramPlan, B: number, L: number): number {
  return plan.slots.reduce((sum, slot) => sum + 4 * Math.max(...slot.sizes.map((e) => evalSize(e, B, L))), 0);
}

function dedupe(sizes: SizeExpr[]): SizeExpr[] {
  return sizes.filter((s, i) => sizes.findIndex((t) => sameSize(s, t)) === i);
}
