/** The WGSL backend: IR -> kernels + dispatch plan (+ a self-contained bundle on disk). */
import type { Graph } from "../../ir/types.js";
import { assemblePlan } from "./assemble.js";
import type { WgslProgramPlan } from "./plan.js";
import { scheduleGraph } from "./schedule.js";

export interface CompileOptions {
  /** Graph outputs to compute (default: all). Only these are kept alive and read back. */
  outputs?: readonly string[];
}

/** The optimised graph -> a runnable plan. Fusion happened in the IR passes; this only lowers. */
export function compileWgsl(graph: Graph, options: CompileOptions = {}): WgslProgramPlan {
  return assemblePlan(scheduleGraph(graph, options.outputs ?? Object.keys(graph.outputs)));
}

export { arenaBytesAt } from "./assemble.js";
export { printWgslPlan } from "./print.js";
export type { WgslProgramPlan, PlanDispatch, PlanOutput, WeightBuffer, WeightPiece, KernelSource, BufferRef, MemoryReport } from "./plan.js";
export type { Program } from "./program.js";
export type { SizeExpr, GridDim } from "./sizes.js";
export { FLAGS } from "./flags.js";
