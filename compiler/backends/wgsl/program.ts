/**
 * The one interface every kernel template implements, after
 * tfjs-backend-webgpu's `WebGPUProgram`: the WGSL source depends only on the
 * cache key; every shape that varies with the batch B or sequence length L
 * travels in uniforms, so B and L change without recompiling.
 */

/** `coef * B^perB * L^perL`: every runtime size in a plan is one such monomial. */
export interface SizeExpr {
  coef: number;
  perB: boolean;
  perL: boolean;
}

export const constSize = (coef: number): SizeExpr => ({ coef, perB: false, perL: false });

export function evalSize(e: SizeExpr, B: number, L: number): number {
  return e.coef * (e.perB ? B : 1) * (e.perL ? L : 1);
}

/** One grid dimension: ceil(size / divisor) workgroups. */
export interface GridDim {
  size: SizeExpr;
  divisor: number;
}

export const grid1 = (size: SizeExpr, divisor = 1): GridDim => ({ size, divisor });

export type BindingType = "f32" | "vec4f" | "i32";

/** A storage binding of a kernel: bindings 1.. (binding 0 is the uniform struct). */
export interface BindingDecl {
  name: string;
  type: BindingType;
  access: "read" | "read_write";
}

export interface Program {
  /** Human-readable kernel family, e.g. "matmul". */
  name: string;
  /** Identifies the WGSL source: the family plus every compile-time variant; never a B/L-dependent shape. */
  cacheKey: string;
  workgroupSize: [number, number, number];
  /** Names of the u32 uniforms, in struct order. */
  uniforms: string[];
  bindings: BindingDecl[];
  /** Bytes of var<workgroup> memory the kernel declares (checked against the adapter's limit). */
  workgroupStorageBytes: number;
  getUserCode(): string;
}

/** The WGSL-identifier-safe kernel name for a cache key (also the `.wgsl` file name). */
export function kernelName(cacheKey: string): string {
  return cacheKey.replace(/[^A-Za-z0-9_]+/g, "_");
}
