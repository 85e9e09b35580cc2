/**
 * `out = LayerNorm(x @ W + b + Σ other terms)` in one kernel: the residual
 * LayerNorm with its projection folded in (an `add_layer_norm` with a linear
 * term). A workgroup spans TR whole rows: each invocation owns 4 adjacent
 * output columns (a vec4 of every row), so the workgroup has N/4
 * invocations, walks K through a shared A tile, reads its weights as vec4
 * straight from global memory (each weight row is read once per workgroup,
 * coalesced), then adds the bias and the other terms and normalises each
 * row with a workgroup reduction. Grid: (M / TR).
 * Wider outputs than flags.normMatmulMaxColumns (or widths not a multiple
 * of 4 per group) take two dispatches: the matmul, then the norm.
 */
import type { AddLayerNormOp, LinearOp, SumTerm } from "../../../ir/types.js";
import type { LoweringContext } from "../context.js";
import type { Program } from "../program.js";
import { ShaderHelper, workgroupSum } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE } from "../sizes.js";
import { rowsOf } from "../views.js";
import { dispatchNorm, operand } from "./layer-norm.js";
import { lowerLinear, packedBias, packedWeight } from "./matmul.js";
import { termCombine, termDecls, termRowStatements, termRunData, termsKey, type TermMode } from "./terms.js";

/** A-tile depth: K columns staged per step. */
const TK = 32;

export interface MatmulNormVariant {
  /** Output width (the LayerNorm's), groups of the projection, rows per workgroup. */
  N: number;
  groups: number;
  rows: number;
  bias: boolean;
  /** The other terms of the sum, read per row as in the LayerNorm kernel. */
  modes: readonly TermMode[];
  eps: number;
}

export function matmulNormProgram(v: MatmulNormVariant): Program {
  const { N, groups: G, rows: TR } = v;
  const T = N / 4;
  const terms = termDecls(v.modes);
  const uniforms = ["M", "K", "L", "a_off", "a_stride", "out_off", "out_stride", ...terms.uniforms];
  const bindings = [
    { name: "a", type: "f32", access: "read" } as const,
    { name: "w", type: "vec4f", access: "read" } as const,
    ...(v.bias ? [{ name: "bias", type: "vec4f", access: "read" } as const] : []),
    ...terms.bindings,
    { name: "gamma", type: "vec4f", access: "read" } as const,
    { name: "beta", type: "vec4f", access: "read" } as const,
    { name: "out", type: "f32", access: "read_write" } as const,
  ];
  const helper = new ShaderHelper(uniforms, bindings);
  const others = v.modes.length === 0 ? "" : ` + vec4<f32>(${[0, 1, 2, 3].map((j) => termCombine(v.modes.length, "add", `col + ${j}u`)).join(", ")})`;
  const body = `
var<workgroup> tileA: array<array<array<f32, ${TK}>, ${TR}>, ${G}>;

${workgroupSum(T)}

@compute @workgroup_size(${T}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row0 = wg.x * ${TR}u;
  let col = li * 4u;
  let group = col / ${N / G}u;
  let wBase = group * u.K * ${N / G}u + (col - group * ${N / G}u);
  var acc: array<vec4<f32>, ${TR}>;
  for (var k0 = 0u; k0 < u.K; k0 += ${TK}u) {
    for (var i = li; i < ${G * TR * TK}u; i += ${T}u) {
      let g = i / ${TR * TK}u;
      let r = (i / ${TK}u) % ${TR}u;
      let c = i % ${TK}u;
      let gr = row0 + r;
      var x = 0.0;
      if (gr < u.M && k0 + c < u.K) { x = a[u.a_off + gr * u.a_stride + g * u.K + k0 + c]; }
      tileA[g][r][c] = x;
    }
    workgroupBarrier();
    let n = min(${TK}u, u.K - k0);
    for (var k = 0u; k < n; k++) {
      let wv = w[(wBase + (k0 + k) * ${N / G}u) / 4u];
      for (var r = 0u; r < ${TR}u; r++) { acc[r] = fma(vec4<f32>(tileA[group][r][k]), wv, acc[r]); }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < ${TR}u; r++) {
    let row = row0 + r;
    let valid = row < u.M;
    // Rows past M still take part in the reductions (every invocation must reach the barriers).
    let safeRow = select(0u, row, valid);
${termRowStatements(v.modes, "safeRow").replace(/^/gm, "  ")}
    let y = acc[r]${v.bias ? " + bias[li]" : ""}${others};
    let mean = reduce_sum(li, select(0.0, y.x + y.y + y.z + y.w, valid)) / ${N}.0;
    let d = y - vec4<f32>(mean);
    let inv = 1.0 / sqrt(reduce_sum(li, select(0.0, dot(d, d), valid)) / ${N}.0 + ${v.eps.toExponential()});
    if (valid) {
      let normed = d * inv * gamma[li] + beta[li];
      let o = u.out_off + row * u.out_stride + col;
      out[o] = normed.x; out[o + 1u] = normed.y; out[o + 2u] = normed.z; out[o + 3u] = normed.w;
    }
  }
}`;
  return {
    name: "matmul_norm",
    cacheKey: `matmul_norm_n${N}_g${G}_r${TR}${v.bias ? "_bias" : ""}_${termsKey(v.modes) || "x"}_eps${v.eps.toExponential()}`,
    workgroupSize: [T, 1, 1],
    workgroupStorageBytes: (G * TR * TK + T) * 4,
    uniforms,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** The add_layer_norm with a linear term: one matmul-norm dispatch, or a matmul and a norm when the row is too wide. */
export function lowerMatmulNorm(op: AddLayerNormOp, ctx: LoweringContext): void {
  const at = op.terms.findIndex((t) => t.kind === "linear");
  const term = op.terms[at] as Extract<SumTerm, { kind: "linear" }>;
  const out = ctx.outputView(op.outputs[0]);
  const N = out.cols;
  const G = term.groups;
  const x = ctx.viewOf(op.inputs[term.input]);
  const rows = rowsOf(ctx.shape(op.outputs[0]));
  const segment = { weight: term.weight, bias: term.bias, outFeatures: N, operand: { kind: "input" } as const };
  const fits = N % (4 * G) === 0 && N / 4 <= Math.min(256, ctx.flags.normMatmulMaxColumns / 4) && out.offset % 4 === 0;
  if (!fits) {
    // Two dispatches: the projection into a buffer of its own, then the norm reading it as a value term.
    const projected = `${op.id}:linear`;
    ctx.newRoot(projected, rows, N);
    const linearOp: LinearOp = { kind: "linear", id: projected, inputs: [op.inputs[term.input]], outputs: [projected], part: op.part, inFeatures: term.inFeatures, groups: G, segments: [segment], activation: "none" };
    lowerLinear(linearOp, ctx, op);
    const terms = op.terms.map((t, i) => (i === at ? { mode: "row" as const, view: ctx.viewOf(projected) } : operand(ctx, op, t, rows)));
    return dispatchNorm(ctx, op, terms);
  }
  const others = op.terms.filter((_, i) => i !== at).map((t) => operand(ctx, op, t, rows));
  const { bindings, uniforms } = termRunData(others);
  const bias = packedBias({ id: `${op.id}.linear`, segments: [segment] }, N);
  const TR = ctx.flags.normMatmulRows;
  ctx.dispatch(op, {
    program: matmulNormProgram({ N, groups: G, rows: TR, bias: !!bias, modes: others.map((t) => t.mode), eps: op.eps }),
    bindings: [
      x.buffer,
      ctx.addWeight(packedWeight({ id: `${op.id}.linear`, groups: G, inFeatures: term.inFeatures, segments: [segment] }, N)),
      ...(bias ? [ctx.addWeight(bias)] : []),
      ...bindings,
      ctx.paramView(op.gamma).buffer,
      ctx.paramView(op.beta).buffer,
      out.buffer,
    ],
    uniforms: {
      M: rows, K: constSize(term.inFeatures / G), L: L_SIZE, a_off: constSize(x.offset), a_stride: x.stride,
      out_off: constSize(out.offset), out_stride: out.stride, ...uniforms,
    },
    grid: [grid1(rows, TR), ONE, ONE],
    choice: `${TR} rows x ${N} columns`,
  });
}
