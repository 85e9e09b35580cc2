/**
 * Self-attention for one (batch, head, block of queries) per workgroup:
 * QK^T, the additive mask, softmax and the product with V fused with an
 * online (running-max) softmax, so the L x L score matrix never exists.
 * K and V stream through shared memory in tiles shared by all the queries.
 * Grid: (ceil(L / queryTile), heads, B).
 */
import type { AttentionOp } from "../../../ir/types.js";
import type { OpLowering } from "../context.js";
import { FLAGS } from "../flags.js";
import { wgslFloat, type BindingDecl, type Program } from "../program.js";
import { MASKED_SCORE_WGSL, ShaderHelper } from "../shader-helpers.js";
import { B_SIZE, constSize, grid1, L_SIZE } from "../sizes.js";

export const ATTENTION_UNIFORMS = ["L", "q_off", "q_stride", "k_off", "k_stride", "v_off", "v_stride", "mask_off", "out_off", "out_stride"] as const;
type AttentionUniform = (typeof ATTENTION_UNIFORMS)[number];

export function attentionProgram(headSize: number, scale: number): Program<AttentionUniform> {
  const scaleLiteral = wgslFloat(scale);
  const { attentionQueryTile: QT, attentionKeyTile: KT } = FLAGS;
  const D = headSize;
  const bindings: BindingDecl[] = [
    { name: "q", type: "f32", access: "read" },
    { name: "k", type: "f32", access: "read" },
    { name: "v", type: "f32", access: "read" },
    { name: "mask", type: "f32", access: "read" },
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(ATTENTION_UNIFORMS, bindings);
  const body = `
var<workgroup> keys: array<array<f32, ${D}>, ${KT}>;
var<workgroup> vals: array<array<f32, ${D}>, ${KT}>;

@compute @workgroup_size(${QT}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = wg.z;
  let head = wg.y * ${D}u;
  let l = wg.x * ${QT}u + li;
  let valid = l < u.L;
  var query: array<f32, ${D}>;
  var acc: array<f32, ${D}>;
  if (valid) {
    let base = u.q_off + (b * u.L + l) * u.q_stride + head;
    for (var j = 0u; j < ${D}u; j++) { query[j] = q[base + j] * ${scaleLiteral}; }
  }
  var runningMax = ${MASKED_SCORE_WGSL};
  var denom = 0.0;
  for (var k0 = 0u; k0 < u.L; k0 += ${KT}u) {
    for (var i = li; i < ${KT * D}u; i += ${QT}u) {
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
    if (valid) {
      let n = min(${KT}u, u.L - k0);
      for (var r = 0u; r < n; r++) {
        var score = 0.0;
        for (var j = 0u; j < ${D}u; j++) { score = fma(query[j], keys[r][j], score); }
        if (mask[u.mask_off + b * u.L + k0 + r] == 0.0) { score += ${MASKED_SCORE_WGSL}; }
        let newMax = max(runningMax, score);
        let correction = exp(runningMax - newMax);
        let p = exp(score - newMax);
        denom = denom * correction + p;
        for (var j = 0u; j < ${D}u; j++) { acc[j] = acc[j] * correction + p * vals[r][j]; }
        runningMax = newMax;
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let base = u.out_off + (b * u.L + l) * u.out_stride + head;
    for (var j = 0u; j < ${D}u; j++) { out[base + j] = acc[j] / denom; }
  }
}`;
  return {
    name: "attention",
    cacheKey: `attention_d${D}_scale${scaleLiteral}`,
    workgroupSize: [QT, 1, 1],
    workgroupStorageBytes: 2 * KT * D * 4,
    uniforms: ATTENTION_UNIFORMS,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** One workgroup per (query tile, head, batch). */
export const attentionLowering: OpLowering<AttentionOp> = {
  writesView: () => true,
  lower(op, ctx) {
    const [q, k, v, mask] = op.inputs.map((x) => ctx.viewOf(x));
    const out = ctx.outputView(op.outputs[0]);
    ctx.dispatch(op, {
      program: attentionProgram(op.headSize, op.scale),
      bindings: [q.buffer, k.buffer, v.buffer, mask.buffer, out.buffer],
      uniforms: {
        L: L_SIZE, q_off: constSize(q.offset), q_stride: q.stride, k_off: constSize(k.offset), k_stride: k.stride, v_off: constSize(v.offset), v_stride: v.stride,
        mask_off: constSize(mask.offset), out_off: constSize(out.offset), out_stride: out.stride,
      },
      grid: [grid1(L_SIZE, FLAGS.attentionQueryTile), grid1(constSize(op.heads)), grid1(B_SIZE)],
    });
  },
};
