/**
 * The one interface every kernel template implements, after
 * tfjs-backend-webgpu's `WebGPUProgram`: the WGSL source depends only on the
 * cache key; every shape that varies with the batch B or sequence length L
 * travels in uniforms, so B and L change without recompiling.
 */
import type { GridDim, SizeExpr } from "./sizes.js";
import type { DraftRef } from "./views.js";

export { constSize, evalSize, grid1, type GridDim, type SizeExpr } from "./sizes.js";

export type BindingType = "f32" | "vec4f" | "i32";

/** A storage binding of a kernel: bindings 1.. (binding 0 is the uniform struct). */
export interface BindingDecl {
  name: string;
  type: BindingType;
  access: "read" | "read_write";
}

export interface Program<U extends string = string> {
  /** Human-readable kernel family, e.g. "matmul". */
  name: string;
  /** Identifies the WGSL source exactly: the family plus every compile-time value the code contains; never a B/L-dependent shape. */
  cacheKey: string;
  workgroupSize: [number, number, number];
  /** Names of the u32 uniforms, in struct order. */
  uniforms: readonly U[];
  bindings: BindingDecl[];
  /** Bytes of var<workgroup> memory the kernel declares (checked against the adapter's limit). */
  workgroupStorageBytes: number;
  /** The smallest subgroup the code is correct for, when it uses subgroup operations. */
  minSubgroupSize?: number;
  getUserCode(): string;
}

/**
 * One dispatch of a kernel, as its kernel module computes it from an op and
 * its buffer views (onnxruntime's `getRunData`): the buffers in binding
 * order, a value for every uniform the program declares (and no other), and
 * the grid.
 */
export interface KernelDispatch<U extends string = string> {
  program: Program<U>;
  bindings: DraftRef[];
  uniforms: Record<U, SizeExpr>;
  grid: [GridDim, GridDim, GridDim];
  /** What the kernel chose for this dispatch (recorded in the plan). */
  choice?: string;
}

/** Checks a dispatch against its program: a binding or uniform the kernel does not declare is a convspec bug, never a silent 0. */
export function checkDispatch(d: KernelDispatch): void {
  const { program } = d;
  if (d.bindings.length !== program.bindings.length) throw new Error(`${program.cacheKey}: ${d.bindings.length} buffers for ${program.bindings.length} bindings`);
  const declared = new Set<string>(program.uniforms);
  for (const name of Object.keys(d.uniforms)) if (!declared.has(name)) throw new Error(`${program.cacheKey}: uniform '${name}' is not declared by the kernel`);
  for (const name of program.uniforms) if (!Object.hasOwn(d.uniforms, name)) throw new Error(`${program.cacheKey}: no value for uniform '${name}'`);
}

/** A WGSL f32 literal that round-trips `x` exactly; cache keys use the same text, so they are never lossy. */
export function wgslFloat(x: number): string {
  const f = Math.fround(x);
  const text = String(f);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** The WGSL-identifier-safe kernel name for a cache key (also the `.wgsl` file name). */
export function kernelName(cacheKey: string): string {
  return cacheKey.replace(/[^A-Za-z0-9_]+/g, "_");
}
