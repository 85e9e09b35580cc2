/**
 * Scheduled dispatches -> the `WgslProgramPlan`: intermediate buffers get
 * slots from the memory planner (compiler/passes/memory-plan.ts, liveness
 * over the dispatches), each kernel's WGSL is generated once per name, and
 * the memory report is taken at REFERENCE_SHAPE.
 */
import { debugEnabled } from "../../debug.js";
import { opContext } from "../../analysis/flops.js";
import { opFlopsTotal, opInfo } from "../../ir/ops.js";
import { add, monomial, scale, toTerms, type Polynomial, type Term } from "../../ir/polynomial.js";
import { inputLimits, type Graph } from "../../ir/types.js";
import { assignSlots, REFERENCE_SHAPE } from "../../passes/memory-plan.js";
import { PLAN_FORMAT, type WgslFeature, type BufferRef, type KernelSource, type PlanDispatch, type PlanOutput, type WeightBuffer, type WgslProgramPlan } from "./plan.js";
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
  choice?: string;
}

export interface ScheduledGraph {
  graph: Graph;
  dispatches: readonly DraftDispatch[];
  /** Intermediate root id -> its element count. */
  roots: ReadonlyMap<string, SizeExpr>;
  weights: ReadonlyMap<string, WeightBuffer>;
  /** Requested output name -> the view that holds it. */
  outputs: Record<string, View>;
  /** Optional adapter features the kernels use. */
  features: WgslFeature[];
}

export function assemblePlan({ graph, dispatches: drafts, roots, weights, outputs: outputViews, features }: ScheduledGraph): WgslProgramPlan {
  const costs = dispatchCosts(graph, drafts, roots, weights);
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

  const dispatches: PlanDispatch[] = drafts.map((d, i) => {
    const name = kernelName(d.program.cacheKey);
    if (!kernels.has(name)) {
      const code = d.program.getUserCode();
      if (debugEnabled("kernels")) process.stderr.write(`// ---- kernel ${name} ----\n${code}\n`);
      const { workgroupSize, workgroupStorageBytes, minSubgroupSize } = d.program;
      kernels.set(name, { name, code, workgroupSize, storageBindings: d.program.bindings.length, workgroupStorageBytes, ...(minSubgroupSize ? { minSubgroupSize } : {}) });
    }
    return { kernel: name, ops: d.ops, bindings: d.bindings.map(ref), uniforms: d.uniforms, grid: d.grid, ...(d.choice ? { choice: d.choice } : {}), cost: costs[i] };
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
    features,
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

/**
 * What each dispatch costs, for the plan's cost report: the FLOPs of the IR
 * op it computes (a kernel that takes two dispatches counts them once, on the
 * first), and the bytes its bindings move (each bound tensor once, whole).
 */
function dispatchCosts(graph: Graph, drafts: readonly DraftDispatch[], roots: ReadonlyMap<string, SizeExpr>, weights: ReadonlyMap<string, WeightBuffer>): { flops: Term[]; bytes: Term[] }[] {
  const ctx = opContext(graph);
  const opsById = new Map(graph.ops.map((op) => [op.id, op]));
  const counted = new Set<string>();
  const sizeOf = (ref: DraftRef): Polynomial => {
    if (ref.kind === "root") return sizePolynomial(roots.get(ref.id)!);
    if (ref.kind === "weight") return monomial(weights.get(ref.name)!.elements, 0, 0);
    return monomial(1, 1, 1); // an input: B·L elements
  };
  return drafts.map((d) => {
    const fresh = d.ops.filter((id) => !counted.has(id));
    fresh.forEach((id) => counted.add(id));
    const flops = add(...fresh.map((id) => opFlopsTotal(opInfo(opsById.get(id)!).flops(opsById.get(id)!, ctx))));
    const unique = [...new Map(d.bindings.map((b) => [JSON.stringify(b), b])).values()];
    return { flops: toTerms(flops), bytes: toTerms(scale(add(...unique.map(sizeOf)), 4)) };
  });
}

const sizePolynomial = (e: SizeExpr): Polynomial => monomial(e.coef, e.perB ? 1 : 0, e.perL ? 1 : 0);
