/**
 * The fused span conv (a `dynamic_conv` whose kernel logits are in-op): per
 * tile of TR rows and TC channels, the kernel logits g = (a ⊙ gate) @ Wᵀ + b
 * of the heads the tile touches are computed into shared memory (the gated
 * operand staged through shared memory CH columns at a time), then each
 * invocation takes its channel's head, softmaxes its K taps and sums the
 * value projection over the span. Neither the gated product nor the logits
 * are ever stored. Grid: (C / TC, M / TR); TC = the workgroup size.
 */
import type { DynamicConvOp } from "../../../ir/types.js";
import type { LoweringContext } from "../context.js";
import type { BindingDecl, Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE } from "../sizes.js";
import { rowsOf } from "../views.js";
import { softmaxTapSum } from "./taps.js";

/** Gated-operand columns staged per step. */
const CH = 64;
/** Workgroup memory every WebGPU adapter offers (the spec's default maxComputeWorkgroupStorageSize). */
const STORAGE_FLOOR_BYTES = 16384;

const UNIFORMS = ["M", "L", "A", "C", "a_off", "a_stride", "g_off", "g_stride", "u_off", "u_stride", "mask_off", "out_off", "out_stride"] as const;
type SpanConvUniform = (typeof UNIFORMS)[number];

export interface SpanConvVariant {
  heads: number;
  headSize: number;
  kernelSize: number;
  masked: boolean;
  bias: boolean;
  /** Rows and channels per workgroup. */
  rows: number;
  channels: number;
}

/** Heads a TC-wide channel tile can touch (tiles start at multiples of TC). */
const headsPerTile = (heads: number, headSize: number, TC: number): number => Math.min(heads, Math.ceil(TC / headSize) + 1);
const storageBytes = (v: SpanConvVariant): number => (v.rows * CH + v.rows * headsPerTile(v.heads, v.headSize, v.channels) * v.kernelSize) * 4;

/** The flags' tile, with fewer rows (then fewer channels) where its logits would not fit the 16 KiB floor (large K, small heads). */
export function fitSpanConvTile(v: SpanConvVariant): SpanConvVariant {
  let fitted = v;
  while (storageBytes(fitted) > STORAGE_FLOOR_BYTES && (fitted.rows > 1 || fitted.channels > 8)) {
    fitted = fitted.rows > 1 ? { ...fitted, rows: Math.ceil(fitted.rows / 2) } : { ...fitted, channels: Math.floor(fitted.channels / 2) };
  }
  return fitted;
}

export function spanConvProgram(v: SpanConvVariant): Program<SpanConvUniform> {
  const { headSize: d, kernelSize: K, rows: TR, channels: TC } = v;
  const NH = headsPerTile(v.heads, d, TC);
  const dots = TR * NH * K;
  const perThread = Math.ceil(dots / TC);
  const bindings: BindingDecl[] = [
    { name: "a", type: "f32", access: "read" },
    { name: "gate", type: "f32", access: "read" },
    { name: "w", type: "f32", access: "read" },
    ...(v.bias ? [{ name: "bias", type: "f32", access: "read" } as const] : []),
    { name: "values", type: "f32", access: "read" },
    ...(v.masked ? [{ name: "mask", type: "f32", access: "read" } as const] : []),
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(UNIFORMS, bindings);
  const valid = v.masked ? "mask[u.mask_off + b * u.L + u32(src)] != 0.0" : "true";
  const body = `
var<workgroup> staged: array<array<f32, ${CH}>, ${TR}>;
var<workgroup> logits: array<f32, ${dots}>;

@compute @workgroup_size(${TC}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let c0 = wg.x * ${TC}u;
  let r0 = wg.y * ${TR}u;
  let h0 = c0 / ${d}u;
  var acc: array<f32, ${perThread}>;
  // Kernel logits of (row, head, tap) for the tile's rows and heads.
  for (var a0 = 0u; a0 < u.A; a0 += ${CH}u) {
    for (var i = li; i < ${TR * CH}u; i += ${TC}u) {
      let r = i / ${CH}u;
      let c = i % ${CH}u;
      let gr = r0 + r;
      var x = 0.0;
      if (gr < u.M && a0 + c < u.A) { x = a[u.a_off + gr * u.a_stride + a0 + c] * gate[u.g_off + gr * u.g_stride + a0 + c]; }
      staged[r][c] = x;
    }
    workgroupBarrier();
    let n = min(${CH}u, u.A - a0);
    for (var j = 0u; j < ${perThread}u; j++) {
      let idx = li + j * ${TC}u;
      let h = h0 + (idx % ${NH * K}u) / ${K}u;
      if (idx < ${dots}u && h < ${v.heads}u) {
        let r = idx / ${NH * K}u;
        let wRow = (h * ${K}u + idx % ${K}u) * u.A + a0;
        var dot = 0.0;
        for (var c = 0u; c < n; c++) { dot = fma(staged[r][c], w[wRow + c], dot); }
        acc[j] += dot;
      }
    }
    workgroupBarrier();
  }
  for (var j = 0u; j < ${perThread}u; j++) {
    let idx = li + j * ${TC}u;
    let h = h0 + (idx % ${NH * K}u) / ${K}u;
    if (idx < ${dots}u && h < ${v.heads}u) { logits[idx] = acc[j]${v.bias ? ` + bias[h * ${K}u + idx % ${K}u]` : ""}; }
  }
  workgroupBarrier();
  // The dynamic conv of each row over the tile's channels.
  let c = c0 + li;
  if (c >= u.C) { return; }
  let hl = c / ${d}u - h0;
  for (var r = 0u; r < ${TR}u; r++) {
    let row = r0 + r;
    if (row >= u.M) { break; }
    let g = (r * ${NH}u + hl) * ${K}u;
    let b = row / u.L;
    let l = i32(row % u.L);
    ${softmaxTapSum(K, (t) => `logits[g + ${t}]`, (src) => `values[u.u_off + (b * u.L + u32(${src})) * u.u_stride + c]`, valid)}
    out[u.out_off + row * u.out_stride + c] = sum / total;
  }
}`;
  return {
    name: "span_conv",
    cacheKey: `span_conv_h${v.heads}_d${d}_k${K}${v.masked ? "_masked" : ""}${v.bias ? "_bias" : ""}_r${TR}_c${TC}`,
    workgroupSize: [TC, 1, 1],
    workgroupStorageBytes: storageBytes(v),
    uniforms: UNIFORMS,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** A dynamic conv with in-op logits: inputs [a, gate, u (, mask)]. */
export function lowerSpanConv(op: DynamicConvOp & { logits: NonNullable<DynamicConvOp["logits"]> }, ctx: LoweringContext): void {
  const [a, gate, u] = op.inputs.slice(0, 3).map((v) => ctx.viewOf(v));
  const mask = op.maskSpan ? ctx.viewOf(op.inputs[3]) : null;
  const out = ctx.outputView(op.outputs[0]);
  const C = op.heads * op.headSize;
  const rows = rowsOf(ctx.shape(op.outputs[0]));
  const variant = fitSpanConvTile({
    heads: op.heads, headSize: op.headSize, kernelSize: op.kernelSize, masked: op.maskSpan, bias: op.logits.bias !== null, rows: ctx.flags.spanConvRows, channels: ctx.flags.spanConvChannels,
  });
  const { rows: TR, channels: TC } = variant;
  ctx.dispatch(op, {
    program: spanConvProgram(variant),
    bindings: [a.buffer, gate.buffer, ctx.paramView(op.logits.weight).buffer, ...(op.logits.bias ? [ctx.paramView(op.logits.bias).buffer] : []), u.buffer, ...(mask ? [mask.buffer] : []), out.buffer],
    uniforms: {
      M: rows, L: L_SIZE, A: constSize(op.logits.inFeatures), C: constSize(C), a_off: constSize(a.offset), a_stride: a.stride, g_off: constSize(gate.offset), g_stride: gate.stride,
      u_off: constSize(u.offset), u_stride: u.stride, mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride,
    },
    grid: [grid1(constSize(C), TC), grid1(rows, TR), ONE],
    choice: `${TR} rows x ${TC} channels`,
  });
}
