/**
 * Tensor views: where a value's elements live. Every tensor in the IR is a
 * stack of rows over its last axis ([B,L,C], [B,C] or [L,C]), so a view is a
 * buffer, an element offset, a row stride and a width. Slices and take_first
 * are views of their input, and concat inputs can be views into the concat's
 * buffer: no kernel, no copy.
 */
import type { InputName, Shape } from "../../ir/types.js";
import { type SizeExpr } from "./sizes.js";

export { sameSize, times } from "./sizes.js";

/** Before slot assignment an intermediate is named by its root id. */
export type DraftRef = { kind: "root"; id: string } | { kind: "weight"; name: string } | { kind: "input"; name: InputName };

export interface View {
  buffer: DraftRef;
  offset: number;
  stride: SizeExpr;
  cols: number;
}

/** Rows of a tensor: the product of all but its last dimension. */
export function rowsOf(shape: Shape): SizeExpr {
  const rows: SizeExpr = { coef: 1, perB: false, perL: false };
  for (const d of shape.slice(0, -1)) {
    if (d === "B") rows.perB = true;
    else if (d === "L") rows.perL = true;
    else rows.coef *= d;
  }
  return rows;
}

export const colsOf = (shape: Shape): number => {
  const last = shape[shape.length - 1];
  if (typeof last !== "number") throw new Error(`last axis must be static, got ${String(last)}`);
  return last;
};

/** A whole tensor in its own buffer. */
export const denseView = (buffer: DraftRef, cols: number): View => ({ buffer, offset: 0, stride: { coef: cols, perB: false, perL: false }, cols });

/** 16-byte aligned rows: the view may be loaded as vec4. */
export const vec4Aligned = (v: View): boolean => v.offset % 4 === 0 && v.stride.coef % 4 === 0;
