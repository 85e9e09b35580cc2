/**
 * `out = act(t0 ∘ t1 ∘ ...)` with ∘ = + or ×: standalone adds, muls,
 * activations, gathers and copies (the inputs of a concat that could not be
 * written in place; slices are always views). One invocation per element;
 * grid (channels, rows).
 */
import type { ActivationOp, AddOp, ConcatOp, GatherOp, MulOp, Op } from "../../../ir/types.js";
import type { Activation } from "../../../spec/model-spec.js";
import type { LoweringContext, OpLowering } from "../context.js";
import type { Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE } from "../sizes.js";
import { colsOf, rowsOf, type View } from "../views.js";
import { gatherTerm, termCombine, termDecls, termRowStatements, termRunData, termsKey, valueTerm, type TermMode, type TermOperand } from "./terms.js";

export function elementwiseProgram(modes: readonly TermMode[], op: "add" | "mul", activation: Activation | "none", WG: number): Program {
  const terms = termDecls(modes);
  const uniforms = ["L", "C", "out_off", "out_stride", ...terms.uniforms];
  const bindings = [...terms.bindings, { name: "out", type: "f32", access: "read_write" } as const];
  const helper = new ShaderHelper(uniforms, bindings);
  const result = helper.activation(activation, "x");
  const body = `
${ShaderHelper.perChannelEntry(WG)}
${termRowStatements(modes)}
  let x = ${termCombine(modes.length, op, "c")};
  out[u.out_off + row * u.out_stride + c] = ${result};
}`;
  return {
    name: "elementwise",
    cacheKey: `elementwise_${op}_${termsKey(modes)}${activation === "none" ? "" : `_${activation}`}_wg${WG}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: 0,
    uniforms,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** One dispatch of `out = act(t0 ∘ t1 ∘ ...)` over `out`'s rows and columns. */
function dispatchElementwise(ctx: LoweringContext, op: Op, terms: TermOperand[], combine: "add" | "mul", activation: Activation | "none", out: View, rows = rowsOf(ctx.shape(op.outputs[0]))): void {
  const { bindings, uniforms } = termRunData(terms);
  ctx.dispatch(op, {
    program: elementwiseProgram(terms.map((t) => t.mode), combine, activation, ctx.flags.elementwiseWorkgroupSize),
    bindings: [...bindings, out.buffer],
    uniforms: { L: L_SIZE, C: constSize(out.cols), out_off: constSize(out.offset), out_stride: out.stride, ...uniforms },
    grid: [grid1(constSize(out.cols), ctx.flags.elementwiseWorkgroupSize), grid1(rows), ONE],
  });
}

/** Element-wise combination of the op's inputs (an [L, C] input broadcast over B). */
const combining = <O extends AddOp | MulOp>(combine: "add" | "mul"): OpLowering<O> => ({
  writesView: () => true,
  lower(op, ctx) {
    const rows = rowsOf(ctx.shape(op.outputs[0]));
    dispatchElementwise(ctx, op, op.inputs.map((v) => valueTerm(ctx, v, rows)), combine, "none", ctx.outputView(op.outputs[0]));
  },
});

export const addLowering = combining<AddOp>("add");
export const mulLowering = combining<MulOp>("mul");

export const activationLowering: OpLowering<ActivationOp> = {
  writesView: () => true,
  lower(op, ctx) {
    const rows = rowsOf(ctx.shape(op.outputs[0]));
    dispatchElementwise(ctx, op, [valueTerm(ctx, op.inputs[0], rows)], "add", op.fn, ctx.outputView(op.outputs[0]));
  },
};

export const gatherLowering: OpLowering<GatherOp> = {
  writesView: () => true,
  lower(op, ctx) {
    dispatchElementwise(ctx, op, [gatherTerm(ctx, op.table, op.inputs[0])], "add", "none", ctx.outputView(op.outputs[0]));
  },
};

/** A concat whose inputs were not written in place (see schedule.ts): one copy per input into its columns. */
export const concatLowering: OpLowering<ConcatOp> = {
  writesView: () => true,
  lower(op, ctx) {
    if (ctx.concatInPlace(op)) return; // its producers wrote their columns directly
    const out = ctx.outputView(op.outputs[0]);
    const rows = rowsOf(ctx.shape(op.outputs[0]));
    let offset = 0;
    for (const input of op.inputs) {
      const region = { ...out, offset: out.offset + offset, cols: colsOf(ctx.shape(input)) };
      dispatchElementwise(ctx, op, [{ mode: "row", view: ctx.viewOf(input) }], "add", "none", region, rows);
      offset += region.cols;
    }
  },
};
