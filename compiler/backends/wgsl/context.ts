/**
 * What a kernel module's lowering may ask of the scheduler: where values
 * live (tensor views), where to write, checkpoint tensors as weight buffers,
 * and `dispatch` to append its run data. Kernels decide everything else.
 */
import type { ConcatOp, Op, Shape } from "../../ir/types.js";
import type { WgslFlags } from "./flags.js";
import type { WeightBuffer, WgslFeature } from "./plan.js";
import type { KernelDispatch, SizeExpr } from "./program.js";
import type { DraftRef, View } from "./views.js";

export interface LoweringContext {
  /** The tuning knobs this plan is compiled with. */
  readonly flags: WgslFlags;
  /** The shape tile choices are made for (the plan runs at any shape). */
  readonly reference: { B: number; L: number };
  /** Whether the plan may use an optional adapter feature; using it records it in the plan. */
  useFeature(feature: WgslFeature): boolean;
  shape(value: string): Shape;
  /** Where `value` is read from; it must have been computed (or be an input). */
  viewOf(value: string): View;
  /** Where `value` is written: its in-place concat region, or a buffer of its own. */
  outputView(value: string): View;
  /** Records that `value` is a view of existing data (slices, take_first, positions, linear segments). */
  setView(value: string, view: View): void;
  /** A new intermediate buffer named `id`, `rows x cols`. */
  newRoot(id: string, rows?: SizeExpr, cols?: number): View;
  /** A checkpoint tensor as is, uploaded once however many kernels read it. */
  paramView(key: string): View;
  /** A weight buffer packed from checkpoint tensors at upload. */
  addWeight(buffer: WeightBuffer): DraftRef;
  /** Whether the scheduler placed `op`'s inputs straight into its buffer (no copy needed). */
  concatInPlace(op: ConcatOp): boolean;
  /** Appends a dispatch computing `op`. */
  dispatch<U extends string>(op: Op, run: KernelDispatch<U>): void;
}

/** One op kind's WGSL lowering. */
export interface OpLowering<O extends Op> {
  /** Emits the op's dispatches, or records its output as a view (no dispatch). */
  lower(op: O, ctx: LoweringContext): void;
  /** Whether the op's kernel can write its output into a column range of a wider buffer (so a concat of it costs nothing). */
  writesView(op: O): boolean;
}
