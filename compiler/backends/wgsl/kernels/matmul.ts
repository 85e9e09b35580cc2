/**
 * Tiled matmul `out = act(A @ W + bias)` for every `linear` in the IR: shared
 * memory tiles, a register block per invocation, vec4 loads where the layout
 * is aligned. It also serves
 * - the grouped linear: grid z = G; group g reads A's columns g*K.., the
 *   weight block W[g] (`[G, K, N]`) and writes columns g*N..;
 * - the multi-segment linear: segment weights are concatenated at upload
 *   into one `[K, N_total]` matrix, one dispatch writes every segment;
 * - q-gating: with `gated`, A is the elementwise product of two inputs
 *   (`(ks ⊙ q) @ conv_kernel_layer` never materialises `ks ⊙ q`).
 */
import type { LinearOp } from "../../../ir/types.js";
import type { Activation } from "../../../spec/model-spec.js";
import type { LoweringContext, OpLowering } from "../context.js";
import { FLAGS } from "../flags.js";
import type { WeightBuffer } from "../plan.js";
import type { BindingDecl, Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, grid1 } from "../sizes.js";
import { rowsOf, vec4Aligned, type View } from "../views.js";

export interface MatmulVariant {
  gated: boolean;
  bias: boolean;
  activation: Activation | "none";
  /** A (and the gate) rows are 16-byte aligned: load them as vec4. */
  vec4A: boolean;
  /** N % 4 == 0: load weight rows as vec4. */
  vec4W: boolean;
}

/** Uniforms: M rows; K, N per group; A/gate/out element offsets and row strides. */
export const MATMUL_UNIFORMS = ["M", "K", "N", "a_off", "a_stride", "g_off", "g_stride", "out_off", "out_stride"] as const;
type MatmulUniform = (typeof MATMUL_UNIFORMS)[number];

export function matmulProgram(v: MatmulVariant): Program<MatmulUniform> {
  const { matmulTileM: TM, matmulTileN: TN, matmulTileK: TK, matmulWorkgroupX: WX, matmulWorkgroupY: WY } = FLAGS;
  const RM = TM / WY;
  const RN = TN / WX;
  if (RN !== 4) throw new Error("matmul: the register block must be 4 columns wide (one vec4)");
  const threads = WX * WY;
  const bindings: BindingDecl[] = [
    { name: "a", type: v.vec4A ? "vec4f" : "f32", access: "read" },
    ...(v.gated ? [{ name: "gate", type: v.vec4A ? "vec4f" : "f32", access: "read" } as const] : []),
    { name: "w", type: v.vec4W ? "vec4f" : "f32", access: "read" },
    ...(v.bias ? [{ name: "bias", type: "f32", access: "read" } as const] : []),
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(MATMUL_UNIFORMS, bindings);
  const cacheKey = `matmul${v.gated ? "_gated" : ""}${v.bias ? "_bias" : ""}${v.activation === "none" ? "" : `_${v.activation}`}${v.vec4A ? "_a4" : ""}${v.vec4W ? "_w4" : ""}`;

  const gateScalar = v.gated ? " * gate[u.g_off + gr * u.g_stride + aCol]" : "";
  const loadA = v.vec4A
    ? `  // ${TM} rows x ${TK / 4} vec4 per tile.
  for (var i = li; i < ${(TM * TK) / 4}u; i += ${threads}u) {
    let r = i / ${TK / 4}u;
    let c = (i % ${TK / 4}u) * 4u;
    let gr = row0 + r;
    var x = vec4<f32>(0.0);
    if (gr < u.M && k0 + c < u.K) {
      x = a[(u.a_off + gr * u.a_stride + aColBase + k0 + c) / 4u]${v.gated ? " * gate[(u.g_off + gr * u.g_stride + aColBase + k0 + c) / 4u]" : ""};
    }
    tileA[r][c] = x.x; tileA[r][c + 1u] = x.y; tileA[r][c + 2u] = x.z; tileA[r][c + 3u] = x.w;
  }`
    : `  for (var i = li; i < ${TM * TK}u; i += ${threads}u) {
    let r = i / ${TK}u;
    let c = i % ${TK}u;
    let gr = row0 + r;
    let aCol = aColBase + k0 + c;
    var x = 0.0;
    if (gr < u.M && k0 + c < u.K) {
      x = a[u.a_off + gr * u.a_stride + aCol]${gateScalar};
    }
    tileA[r][c] = x;
  }`;
  // W tiles are stored as vec4 rows so the inner product is RM vec4 FMAs per k.
  const loadW = v.vec4W
    ? `  for (var i = li; i < ${(TK * TN) / 4}u; i += ${threads}u) {
    let r = i / ${TN / 4}u;
    let c = i % ${TN / 4}u;
    var x = vec4<f32>(0.0);
    if (k0 + r < u.K && col0 + c * 4u < u.N) {
      x = w[(wBase + (k0 + r) * u.N + col0 + c * 4u) / 4u];
    }
    tileW[r][c] = x;
  }`
    : `  for (var i = li; i < ${(TK * TN) / 4}u; i += ${threads}u) {
    let r = i / ${TN / 4}u;
    let c = i % ${TN / 4}u;
    var x = vec4<f32>(0.0);
    if (k0 + r < u.K) {
      let base = wBase + (k0 + r) * u.N;
      for (var j = 0u; j < 4u; j++) {
        if (col0 + c * 4u + j < u.N) { x[j] = w[base + col0 + c * 4u + j]; }
      }
    }
    tileW[r][c] = x;
  }`;
  const epilogueValue = helper.activation(v.activation, "y");

  const body = `
var<workgroup> tileA: array<array<f32, ${TK}>, ${TM}>;
var<workgroup> tileW: array<array<vec4<f32>, ${TN / 4}>, ${TK}>;

@compute @workgroup_size(${WX}, ${WY}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let group = wg.z;
  let row0 = wg.y * ${TM}u;
  let col0 = wg.x * ${TN}u;
  let aColBase = group * u.K;
  let wBase = group * u.K * u.N;
  var acc: array<vec4<f32>, ${RM}>;
  for (var k0 = 0u; k0 < u.K; k0 += ${TK}u) {
${indent(loadA)}
${indent(loadW)}
    workgroupBarrier();
    for (var k = 0u; k < ${TK}u; k++) {
      let wv = tileW[k][lid.x];
${Array.from({ length: RM }, (_, i) => `      acc[${i}] = fma(vec4<f32>(tileA[lid.y * ${RM}u + ${i}u][k]), wv, acc[${i}]);`).join("\n")}
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${RM}u; i++) {
    let gr = row0 + lid.y * ${RM}u + i;
    for (var j = 0u; j < ${RN}u; j++) {
      let gc = col0 + lid.x * ${RN}u + j;
      if (gr < u.M && gc < u.N) {
        let outCol = group * u.N + gc;
        let y = acc[i][j]${v.bias ? " + bias[outCol]" : ""};
        out[u.out_off + gr * u.out_stride + outCol] = ${epilogueValue};
      }
    }
  }
}`;
  return { name: "matmul", cacheKey, workgroupSize: [WX, WY, 1], workgroupStorageBytes: (TM * TK + TK * TN) * 4, uniforms: MATMUL_UNIFORMS, bindings, getUserCode: () => helper.assemble(body) };
}

const indent = (code: string): string => code.replace(/^/gm, "  ");

/**
 * A `linear` -> one matmul dispatch over all its segments (their weights
 * packed side by side at upload), its gate folded into the A loads and its
 * activation into the epilogue. Grid: (N/G / tileN, M / tileM, G).
 */
export const linearLowering: OpLowering<LinearOp> = {
  writesView: (op) => op.segments.length === 1,
  lower(op: LinearOp, ctx: LoweringContext): void {
    const G = op.groups;
    const K = op.inFeatures / G;
    const N = op.segments.reduce((sum, seg) => sum + seg.outFeatures, 0);
    const a = ctx.viewOf(op.inputs[0]);
    const gate = op.gated ? ctx.viewOf(op.inputs[1]) : null;
    const M = rowsOf(ctx.shape(op.inputs[0]));
    const weight = ctx.addWeight(packedWeight(op, N));
    const biasBuffer = packedBias(op, N);
    const bias = biasBuffer ? ctx.addWeight(biasBuffer) : null;
    const out = segmentsOutput(op, N, ctx);
    const vec4A = K % 4 === 0 && vec4Aligned(a) && (!gate || vec4Aligned(gate));
    const program = matmulProgram({ gated: !!gate, bias: !!bias, activation: op.activation, vec4A, vec4W: N % 4 === 0 });
    ctx.dispatch(op, {
      program,
      bindings: [a.buffer, ...(gate ? [gate.buffer] : []), weight, ...(bias ? [bias] : []), out.buffer],
      uniforms: {
        M, K: constSize(K), N: constSize(N / G), a_off: constSize(a.offset), a_stride: a.stride,
        g_off: constSize(gate?.offset ?? 0), g_stride: gate?.stride ?? constSize(0), out_off: constSize(out.offset), out_stride: out.stride,
      },
      grid: [grid1(constSize(N / G), FLAGS.matmulTileN), grid1(M, FLAGS.matmulTileM), grid1(constSize(G))],
    });
  },
};

/** One output: where it is written. Several: one buffer, each segment a column range of it. */
function segmentsOutput(op: LinearOp, N: number, ctx: LoweringContext): View {
  if (op.segments.length === 1) return ctx.outputView(op.outputs[0]);
  const out = ctx.newRoot(op.outputs.join("+"), rowsOf(ctx.shape(op.outputs[0])), N);
  let offset = 0;
  op.segments.forEach((seg, i) => {
    ctx.setView(op.outputs[i], { ...out, offset, cols: seg.outFeatures });
    offset += seg.outFeatures;
  });
  return out;
}

/** `[in, N]` (segments side by side, transposed from HF `[out, in]`) or the grouped `[G, in/G, out/G]` as is. */
function packedWeight(op: LinearOp, N: number): WeightBuffer {
  const name = `packed/${op.id}/weight`;
  if (op.groups > 1) {
    if (op.segments.length !== 1) throw new Error(`${op.id}: a grouped linear with several segments is not supported`);
    return { name, elements: (op.inFeatures * N) / op.groups, pieces: [{ param: op.segments[0].weight, dstOffset: 0, transpose: null }] };
  }
  let col = 0;
  const pieces = op.segments.map((seg) => {
    const piece = { param: seg.weight, dstOffset: col, transpose: { rows: seg.outFeatures, cols: op.inFeatures, dstRowStride: N } };
    col += seg.outFeatures;
    return piece;
  });
  return { name, elements: op.inFeatures * N, pieces };
}

/** The segments' biases side by side (`[N]`), or null when no segment has one. */
function packedBias(op: LinearOp, N: number): WeightBuffer | null {
  if (op.segments.every((s) => s.bias === null)) return null;
  let col = 0;
  const pieces = op.segments.flatMap((seg) => {
    const at = col;
    col += seg.outFeatures;
    return seg.bias === null ? [] : [{ param: seg.bias, dstOffset: at, transpose: null }];
  });
  return { name: `packed/${op.id}/bias`, elements: N, pieces };
}
