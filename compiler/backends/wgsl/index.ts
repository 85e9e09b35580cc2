/** The WGSL backend: IR -> kernels + dispatch plan (+ a self-contained bundle on disk). */
import type { Graph } from "../../ir/types.js";
import { assemblePlan } from "./assemble.js";
import { REFERENCE_SHAPE } from "../../passes/memory-plan.js";
import { DEFAULT_FLAGS, type WgslFlags } from "./flags.js";
import { WGSL_FEATURES, type WgslProgramPlan } from "./plan.js";
import { scheduleGraph } from "./schedule.js";

export interface CompileOptions {
  /** Graph outputs to compute (default: all). Only these are kept alive and read back. */
  outputs?: readonly string[];
  /** Tuning knobs (default DEFAULT_FLAGS). */
  flags?: Partial<WgslFlags>;
  /** Optional adapter features the kernels may use (default none: the plan runs on any adapter). */
  features?: readonly string[];
  /** The shape tile choices are made for (default B=1, L=128); the plan runs at any shape. */
  reference?: { B: number; L: number };
}

/** The optimised graph -> a runnable plan. Fusion happened in the IR passes; this only lowers. */
export function compileWgsl(graph: Graph, options: CompileOptions = {}): WgslProgramPlan {
  const available = new Set(WGSL_FEATURES.filter((f) => options.features?.includes(f)));
  return assemblePlan(
    scheduleGraph(graph, options.outputs ?? Object.keys(graph.outputs), {
      flags: { ...DEFAULT_FLAGS, ...options.flags },
      reference: options.reference ?? { ...REFERENCE_SHAPE },
      available,
    }),
  );
}

export { arenaBytesAt } from "./assemble.js";
export { printWgslPlan } from "./print.js";
export type { WgslProgramPlan, PlanDispatch, PlanOutput, WeightBuffer, WeightPiece, KernelSource, BufferRef, MemoryReport } from "./plan.js";
export type { Program } from "./program.js";
export type { SizeExpr, GridDim } from "./sizes.js";
export { DEFAULT_FLAGS, LEGACY_FLAGS, MATMUL_TILES, type WgslFlags, type MatmulTile } from "./flags.js";
export { WGSL_FEATURES, type WgslFeature } from "./plan.js";
