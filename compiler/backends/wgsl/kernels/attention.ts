/**
 * Self-attention, flash-style: QT queries of one (batch, head) per
 * workgroup, T invocations per query, each owning D/T of the head dimension
 * (its slice of the query and of the output accumulator). K and V stream
 * through shared memory in KT-key tiles shared by all the queries; a query's
 * score is the sum of its T partial dot products, combined by subgroup
 * shuffles where the adapter has `subgroups` (the T lanes of a query are
 * consecutive invocations, in one subgroup: T <= the minimum subgroup size),
 * else through shared memory. Softmax is online (running max and sum), so
 * the L x L score matrix never exists; the padding mask is added as
 * MASKED_SCORE exactly as the IR defines it. Grid: (L / QT, heads, B).
 */
import type { AttentionOp } from "../../../ir/types.js";
import type { OpLowering } from "../context.js";
import { wgslFloat, type BindingDecl, type Program } from "../program.js";
import { MASKED_SCORE_WGSL, ShaderHelper } from "../shader-helpers.js";
import { B_SIZE, constSize, grid1, L_SIZE } from "../sizes.js";

export const ATTENTION_UNIFORMS = ["L", "q_off", "q_stride", "k_off", "k_stride", "v_off", "v_stride", "mask_off", "out_off", "out_stride"] as const;
type AttentionUniform = (typeof ATTENTION_UNIFORMS)[number];

export interface AttentionVariant {
  headSize: number;
  scale: number;
  /** Queries per workgroup, keys per shared tile, invocations per query. */
  queryTile: number;
  keyTile: number;
  threadsPerQuery: number;
  subgroups: boolean;
}

export function attentionProgram(v: AttentionVariant): Program<AttentionUniform> {
  const { headSize: D, queryTile: QT, keyTile: KT, threadsPerQuery: T } = v;
  if (D % T !== 0) throw new Error(`attention: head size ${D} is not a multiple of ${T} invocations per query`);
  const DT = D / T;
  const WG = QT * T;
  const scaleLiteral = wgslFloat(v.scale);
  const shuffle = T > 1 && v.subgroups;
  const viaShared = T > 1 && !v.subgroups;
  const bindings: BindingDecl[] = [
    { name: "q", type: "f32", access: "read" },
    { name: "k", type: "f32", access: "read" },
    { name: "v", type: "f32", access: "read" },
    { name: "mask", type: "f32", access: "read" },
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(ATTENTION_UNIFORMS, bindings, shuffle ? ["subgroups"] : []);
  // Each invocation's partial dot product over its D/T channels -> the query's score in every one of its T lanes.
  const combine = shuffle
    ? Array.from({ length: Math.log2(T) }, (_, i) => `      s += subgroupShuffleXor(s, ${1 << i}u);`).join("\n")
    : "";
  const body = `
var<workgroup> keys: array<array<f32, ${D}>, ${KT}>;
var<workgroup> vals: array<array<f32, ${D}>, ${KT}>;
${viaShared ? `var<workgroup> parts: array<array<f32, ${KT}>, ${WG}>;` : ""}

@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = wg.z;
  let head = wg.y * ${D}u;
  let qi = li / ${T}u;
  let d0 = (li % ${T}u) * ${DT}u;
  let l = wg.x * ${QT}u + qi;
  let valid = l < u.L;
  var query: array<f32, ${DT}>;
  var acc: array<f32, ${DT}>;
  if (valid) {
    let base = u.q_off + (b * u.L + l) * u.q_stride + head + d0;
    for (var j = 0u; j < ${DT}u; j++) { query[j] = q[base + j] * ${scaleLiteral}; }
  }
  var runningMax = ${MASKED_SCORE_WGSL};
  var denom = 0.0;
  var scores: array<f32, ${KT}>;
  for (var k0 = 0u; k0 < u.L; k0 += ${KT}u) {
    for (var i = li; i < ${KT * D}u; i += ${WG}u) {
      let r = i / ${D}u;
      let c = i % ${D}u;
      let key = k0 + r;
      var kx = 0.0;
      var vx = 0.0;
      if (key < u.L) {
        kx = k[u.k_off + (b * u.L + key) * u.k_stride + head + c];
        vx = v[u.v_off + (b * u.L + key) * u.v_stride + head + c];
      }
      keys[r][c] = kx;
      vals[r][c] = vx;
    }
    workgroupBarrier();
    let n = min(${KT}u, u.L - k0);
    for (var r = 0u; r < ${KT}u; r++) {
      var s = 0.0;
      for (var j = 0u; j < ${DT}u; j++) { s = fma(query[j], keys[r][d0 + j], s); }
${combine}
      ${viaShared ? "parts[li][r] = s;" : "scores[r] = s;"}
    }
${
  viaShared
    ? `    workgroupBarrier();
    for (var r = 0u; r < ${KT}u; r++) {
      var s = 0.0;
      for (var t = 0u; t < ${T}u; t++) { s += parts[qi * ${T}u + t][r]; }
      scores[r] = s;
    }`
    : ""
}
    if (valid) {
      for (var r = 0u; r < n; r++) {
        var score = scores[r];
        if (mask[u.mask_off + b * u.L + k0 + r] == 0.0) { score += ${MASKED_SCORE_WGSL}; }
        let newMax = max(runningMax, score);
        let correction = exp(runningMax - newMax);
        let p = exp(score - newMax);
        denom = denom * correction + p;
        for (var j = 0u; j < ${DT}u; j++) { acc[j] = acc[j] * correction + p * vals[r][d0 + j]; }
        runningMax = newMax;
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let base = u.out_off + (b * u.L + l) * u.out_stride + head + d0;
    for (var j = 0u; j < ${DT}u; j++) { out[base + j] = acc[j] / denom; }
  }
}`;
  return {
    name: "attention",
    cacheKey: `attention_d${D}_scale${scaleLiteral}_q${QT}_k${KT}_t${T}${shuffle ? "_sg" : ""}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: (2 * KT * D + (viaShared ? WG * KT : 0)) * 4,
    uniforms: ATTENTION_UNIFORMS,
    bindings,
    getUserCode: () => helper.assemble(body),
    ...(shuffle ? { minSubgroupSize: T } : {}),
  };
}

/** One workgroup per (query tile, head, batch). */
export const attentionLowering: OpLowering<AttentionOp> = {
  writesView: () => true,
  lower(op, ctx) {
    const [q, k, v, mask] = op.inputs.map((x) => ctx.viewOf(x));
    const out = ctx.outputView(op.outputs[0]);
    const { attentionKeyTile: KT } = ctx.flags;
    // Invocations per query: the flag's, if it divides the head size.
    const T = op.headSize % ctx.flags.attentionThreadsPerQuery === 0 ? ctx.flags.attentionThreadsPerQuery : 1;
    // Queries per workgroup: the flag's, halved (down to 8) while the grid at the reference shape is below the target.
    const { B, L } = ctx.reference;
    let QT = ctx.flags.attentionQueryTile;
    while (QT > 8 && Math.ceil(L / QT) * op.heads * B < ctx.flags.matmulTargetWorkgroups) QT /= 2;
    const subgroups = T > 1 && ctx.useFeature("subgroups");
    ctx.dispatch(op, {
      program: attentionProgram({ headSize: op.headSize, scale: op.scale, queryTile: QT, keyTile: KT, threadsPerQuery: T, subgroups }),
      bindings: [q.buffer, k.buffer, v.buffer, mask.buffer, out.buffer],
      uniforms: {
        L: L_SIZE, q_off: constSize(q.offset), q_stride: q.stride, k_off: constSize(k.offset), k_stride: k.stride, v_off: constSize(v.offset), v_stride: v.stride,
        mask_off: constSize(mask.offset), out_off: constSize(out.offset), out_stride: out.stride,
      },
      grid: [grid1(L_SIZE, QT), grid1(constSize(op.heads)), grid1(B_SIZE)],
      choice: `${QT} queries x ${T} invocations${subgroups ? ", subgroup shuffles" : ""}`,
    });
  },
};
