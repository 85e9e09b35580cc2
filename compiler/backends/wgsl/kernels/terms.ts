/**
 * Operands of the row-wise kernels (elementwise, LayerNorm). A term reads
 * element (row, c) of a tensor view; which row depends on its mode, which is
 * how gather, positions and [L,E] broadcasting fuse into their consumer:
 * - "row": the output row itself;
 * - "pos": row % L (position embeddings, a [L,E] operand broadcast over B);
 * - "gather": the row named by an i32 id tensor (embedding lookup).
 */
import type { LoweringContext } from "../context.js";
import type { BindingDecl } from "../program.js";
import { constSize, sameSize, type SizeExpr } from "../sizes.js";
import { rowsOf, type DraftRef, type View } from "../views.js";

export type TermMode = "row" | "pos" | "gather";

/** Binding and uniform declarations for terms t0..tn. */
export function termDecls(modes: readonly TermMode[]): { bindings: BindingDecl[]; uniforms: string[] } {
  const bindings: BindingDecl[] = [];
  const uniforms: string[] = [];
  modes.forEach((mode, i) => {
    bindings.push({ name: `t${i}`, type: "f32", access: "read" });
    uniforms.push(`t${i}_off`, `t${i}_stride`);
    if (mode === "gather") {
      bindings.push({ name: `ids${i}`, type: "i32", access: "read" });
      uniforms.push(`t${i}_ids_off`);
    }
  });
  return { bindings, uniforms };
}

/** WGSL statements computing each term's source row into `src<i>` (needs the row index `rowVar` and `u.L`). */
export function termRowStatements(modes: readonly TermMode[], rowVar = "row"): string {
  return modes
    .map((mode, i) => {
      const index = mode === "row" ? rowVar : mode === "pos" ? `${rowVar} % u.L` : `u32(ids${i}[u.t${i}_ids_off + ${rowVar}])`;
      return `  let src${i} = u.t${i}_off + (${index}) * u.t${i}_stride;`;
    })
    .join("\n");
}

/** WGSL expression combining the terms' element `c` with `op`. */
export function termCombine(count: number, op: "add" | "mul", c: string): string {
  return Array.from({ length: count }, (_, i) => `t${i}[src${i} + ${c}]`).join(op === "add" ? " + " : " * ");
}

export const termsKey = (modes: readonly TermMode[]): string => modes.map((m) => m[0]).join("");

/** One operand of a row kernel: a view read by `mode` (plus the id view of a gather). */
export interface TermOperand {
  mode: TermMode;
  view: View;
  ids?: View;
}

/** A value read at the output's rows: "row" when it has them, "pos" when it is [L, C] broadcast over B. */
export function valueTerm(ctx: LoweringContext, value: string, outRows: SizeExpr): TermOperand {
  return { mode: sameSize(rowsOf(ctx.shape(value)), outRows) ? "row" : "pos", view: ctx.viewOf(value) };
}

/** Rows of `table` picked by the ids in `ids`. */
export function gatherTerm(ctx: LoweringContext, table: string, ids: string): TermOperand {
  return { mode: "gather", view: ctx.paramView(table), ids: ctx.viewOf(ids) };
}

/** Rows 0..L-1 of `table`. */
export function positionsTerm(ctx: LoweringContext, table: string): TermOperand {
  return { mode: "pos", view: ctx.paramView(table) };
}

/** The bindings and uniform values `termDecls` declares, in the same order. */
export function termRunData(terms: readonly TermOperand[]): { bindings: DraftRef[]; uniforms: Record<string, SizeExpr> } {
  const bindings: DraftRef[] = [];
  const uniforms: Record<string, SizeExpr> = {};
  terms.forEach((t, i) => {
    bindings.push(t.view.buffer);
    uniforms[`t${i}_off`] = constSize(t.view.offset);
    uniforms[`t${i}_stride`] = t.view.stride;
    if (t.ids) {
      bindings.push(t.ids.buffer);
      uniforms[`t${i}_ids_off`] = constSize(t.ids.offset);
    }
  });
  return { bindings, uniforms };
}
