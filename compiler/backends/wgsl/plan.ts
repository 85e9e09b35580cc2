/**
 * The compiled program: plain JSON (it is `plan.json` in a bundle), enough
 * to run the model on any GPUDevice with no compiler around. Every size that
 * depends on B or L is a `SizeExpr` evaluated at run time.
 */
import type { Term } from "../../ir/polynomial.js";
import type { Dim, InputLimits, InputName } from "../../ir/types.js";
import type { GridDim, SizeExpr } from "./sizes.js";

export const PLAN_FORMAT = "convspec-wgsl/1" as const;

/** Optional adapter features a plan may be compiled for (running it where they are missing is an error). */
export const WGSL_FEATURES = ["subgroups"] as const;
export type WgslFeature = (typeof WGSL_FEATURES)[number];

/** Where a binding's data lives: an intermediate slot, an uploaded weight buffer, or an input. */
export type BufferRef = { kind: "slot"; index: number } | { kind: "weight"; name: string } | { kind: "input"; name: InputName };

/**
 * A device-side weight buffer assembled from checkpoint tensors at upload:
 * `transpose` = null copies the tensor to `dstOffset`; otherwise the HF
 * `[rows=out, cols=in]` tensor lands transposed: dst[dstOffset + i*dstRowStride + j] = src[j*cols + i].
 */
export interface WeightPiece {
  param: string;
  dstOffset: number;
  transpose: { rows: number; cols: number; dstRowStride: number } | null;
}

export interface WeightBuffer {
  name: string;
  elements: number;
  pieces: WeightPiece[];
}

export interface KernelSource {
  name: string;
  code: string;
  workgroupSize: [number, number, number];
  /** Storage bindings the kernel declares (binding 0, the uniforms, not counted). */
  storageBindings: number;
  /** Bytes of var<workgroup> memory, for the adapter-limit check. */
  workgroupStorageBytes: number;
  /** The smallest subgroup size the kernel is correct for (it uses subgroup shuffles). */
  minSubgroupSize?: number;
}

export interface PlanDispatch {
  kernel: string;
  /** The IR ops this dispatch computes, for profiles and errors. */
  ops: string[];
  /** Storage bindings 1..n in order. */
  bindings: BufferRef[];
  /** Uniform values, in the kernel's struct order (all u32). */
  uniforms: SizeExpr[];
  grid: [GridDim, GridDim, GridDim];
  /** What the kernel chose for this dispatch (the matmul tiling), when it chooses. */
  choice?: string;
  /** FLOPs of the IR ops it computes and bytes its bindings move, as polynomials in B and L (the cost report). */
  cost: { flops: Term[]; bytes: Term[] };
}

export interface PlanOutput {
  buffer: BufferRef;
  /** Element offset, row stride and row count of the view holding the output. */
  offset: number;
  rowStride: SizeExpr;
  rows: SizeExpr;
  cols: number;
  shape: Dim[];
}

export interface PlanSlot {
  /** Element counts of every tensor placed in the slot; its size is their maximum. */
  sizes: SizeExpr[];
}

export interface MemoryReport {
  reference: { B: number; L: number };
  /** Bytes of all slots (the reused arena) at the reference shape. */
  arenaBytes: number;
  /** Bytes if every intermediate had its own buffer. */
  intermediateBytes: number;
}

export interface WgslProgramPlan {
  format: typeof PLAN_FORMAT;
  model: string;
  /** What the inputs must respect (checked before every run: a bad id would read outside a table). */
  limits: InputLimits;
  /** Adapter features the kernels use; the runner refuses an adapter without them. */
  features: WgslFeature[];
  kernels: KernelSource[];
  weights: WeightBuffer[];
  slots: PlanSlot[];
  dispatches: PlanDispatch[];
  outputs: Record<string, PlanOutput>;
  memory: MemoryReport;
}
