/**
 * `out = LayerNorm(Σ terms)` over the last axis, one workgroup per row with a
 * shared-memory reduction. With one term it is the plain LayerNorm; with
 * two the residual add + LayerNorm; with a word gather + positions + a
 * token-type gather it is the whole embeddings block in one pass.
 * Mean and variance are two passes (no E[x²]-E[x]² cancellation: eps is 1e-12).
 */
import { assertNever, type AddLayerNormOp, type LayerNormOp, type SumTerm } from "../../../ir/types.js";
import type { LoweringContext, OpLowering } from "../context.js";
import type { Program } from "../program.js";
import { ShaderHelper, workgroupSum } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE, type SizeExpr } from "../sizes.js";
import { rowsOf } from "../views.js";
import { lowerMatmulNorm } from "./matmul-norm.js";
import { gatherTerm, positionsTerm, termCombine, termDecls, termRowStatements, termRunData, termsKey, valueTerm, type TermMode, type TermOperand } from "./terms.js";

export function layerNormProgram(modes: readonly TermMode[], eps: number, WG: number): Program {
  const terms = termDecls(modes);
  const uniforms = ["L", "C", "out_off", "out_stride", ...terms.uniforms];
  const bindings = [
    ...terms.bindings,
    { name: "gamma", type: "f32", access: "read" } as const,
    { name: "beta", type: "f32", access: "read" } as const,
    { name: "out", type: "f32", access: "read_write" } as const,
  ];
  const helper = new ShaderHelper(uniforms, bindings);
  const value = termCombine(modes.length, "add", "c");
  const body = `
${workgroupSum(WG)}

@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = wg.x;
${termRowStatements(modes)}
  var sum = 0.0;
  for (var c = li; c < u.C; c += ${WG}u) { sum += ${value}; }
  let mean = reduce_sum(li, sum) / f32(u.C);
  var sq = 0.0;
  for (var c = li; c < u.C; c += ${WG}u) { let d = ${value} - mean; sq += d * d; }
  let inv = 1.0 / sqrt(reduce_sum(li, sq) / f32(u.C) + ${eps.toExponential()});
  for (var c = li; c < u.C; c += ${WG}u) {
    out[u.out_off + row * u.out_stride + c] = (${value} - mean) * inv * gamma[c] + beta[c];
  }
}`;
  return {
    name: "layer_norm",
    cacheKey: `layer_norm_${termsKey(modes)}_eps${eps.toExponential()}_wg${WG}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: WG * 4,
    uniforms,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** One workgroup per row: grid (rows). */
export function dispatchNorm(ctx: LoweringContext, op: LayerNormOp | AddLayerNormOp, terms: TermOperand[]): void {
  const out = ctx.outputView(op.outputs[0]);
  const { bindings, uniforms } = termRunData(terms);
  ctx.dispatch(op, {
    program: layerNormProgram(terms.map((t) => t.mode), op.eps, ctx.flags.rowWorkgroupSize),
    bindings: [...bindings, ctx.paramView(op.gamma).buffer, ctx.paramView(op.beta).buffer, out.buffer],
    uniforms: { L: L_SIZE, C: constSize(out.cols), out_off: constSize(out.offset), out_stride: out.stride, ...uniforms },
    grid: [grid1(rowsOf(ctx.shape(op.outputs[0]))), ONE, ONE],
  });
}

export const layerNormLowering: OpLowering<LayerNormOp> = {
  writesView: () => true,
  lower(op, ctx) {
    dispatchNorm(ctx, op, [valueTerm(ctx, op.inputs[0], rowsOf(ctx.shape(op.outputs[0])))]);
  },
};

/** The sum's terms become the kernel's operands: a gather reads its table row by id, positions by row % L. */
export const addLayerNormLowering: OpLowering<AddLayerNormOp> = {
  writesView: () => true,
  lower(op, ctx) {
    if (op.terms.some((t) => t.kind === "linear")) return lowerMatmulNorm(op, ctx);
    const rows = rowsOf(ctx.shape(op.outputs[0]));
    dispatchNorm(ctx, op, op.terms.map((t) => operand(ctx, op, t, rows)));
  },
};

export function operand(ctx: LoweringContext, op: AddLayerNormOp, term: SumTerm, rows: SizeExpr): TermOperand {
  switch (term.kind) {
    case "value":
      return valueTerm(ctx, op.inputs[term.input], rows);
    case "gather":
      return gatherTerm(ctx, term.table, op.inputs[term.ids]);
    case "positions":
      return positionsTerm(ctx, term.table);
    case "linear":
      throw new Error(`${op.id}: a linear term is lowered by matmul-norm.ts`);
    default:
      return assertNever(term, "sum term");
  }
}
