/** The WGSL backend: IR -> kernels + dispatch plan (+ a self-contained bundle on disk). */
export { compileWgsl, type CompileOptions } from "./schedule.js";
export { writeWgslBundle } from "./emit.js";
export type { WgslProgramPlan, PlanDispatch, PlanOutput, WeightBuffer, WeightPiece, KernelSource, BufferRef, MemoryReport } from "./plan.js";
export type { SizeExpr, GridDim, Program } from "./program.js";
export { FLAGS } from "./flags.js";
