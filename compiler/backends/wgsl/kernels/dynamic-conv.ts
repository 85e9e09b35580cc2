/**
 * The span-based dynamic convolution's second half in one pass: softmax over
 * the K kernel logits of (position, head), then the weighted sum of the
 * value projection over the K-neighbourhood. One invocation per output
 * channel; the K-tap softmax is recomputed per channel (K ~ 9 exps), which is
 * cheaper than a second dispatch and a [B,L,heads,K] round trip. The sum runs
 * over the taps inside the sequence only (taps.ts).
 */
import type { DynamicConvOp } from "../../../ir/types.js";
import type { OpLowering } from "../context.js";
import type { BindingDecl, Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE } from "../sizes.js";
import { rowsOf } from "../views.js";
import { lowerSpanConv } from "./span-conv.js";
import { softmaxTapSum } from "./taps.js";

export const DYNAMIC_CONV_UNIFORMS = ["L", "C", "g_off", "g_stride", "u_off", "u_stride", "mask_off", "out_off", "out_stride"] as const;
type DynamicConvUniform = (typeof DYNAMIC_CONV_UNIFORMS)[number];

export function dynamicConvProgram(headSize: number, kernelSize: number, masked: boolean, WG: number): Program<DynamicConvUniform> {
  const K = kernelSize;
  const bindings: BindingDecl[] = [
    { name: "logits", type: "f32", access: "read" },
    { name: "values", type: "f32", access: "read" },
    ...(masked ? [{ name: "mask", type: "f32", access: "read" } as const] : []),
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(DYNAMIC_CONV_UNIFORMS, bindings);
  const valid = masked ? "mask[u.mask_off + b * u.L + u32(src)] != 0.0" : "true";
  const body = `
${ShaderHelper.perChannelEntry(WG)}
  let b = row / u.L;
  let l = i32(row % u.L);
  let g = u.g_off + row * u.g_stride + (c / ${headSize}u) * ${K}u;
  ${softmaxTapSum(K, (t) => `logits[g + ${t}]`, (src) => `values[u.u_off + (b * u.L + u32(${src})) * u.u_stride + c]`, valid)}
  out[u.out_off + row * u.out_stride + c] = sum / total;
}`;
  return {
    name: "dynamic_conv",
    cacheKey: `dynamic_conv_d${headSize}_k${K}${masked ? "_masked" : ""}_wg${WG}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: 0,
    uniforms: DYNAMIC_CONV_UNIFORMS,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** One invocation per output channel and row: grid (channels / workgroup, rows). */
export const dynamicConvLowering: OpLowering<DynamicConvOp> = {
  writesView: () => true,
  lower(op, ctx) {
    if (op.logits) return lowerSpanConv({ ...op, logits: op.logits }, ctx);
    const [g, v] = [ctx.viewOf(op.inputs[0]), ctx.viewOf(op.inputs[1])];
    const mask = op.maskSpan ? ctx.viewOf(op.inputs[2]) : null;
    const out = ctx.outputView(op.outputs[0]);
    const C = op.heads * op.headSize;
    ctx.dispatch(op, {
      program: dynamicConvProgram(op.headSize, op.kernelSize, op.maskSpan, ctx.flags.elementwiseWorkgroupSize),
      bindings: [g.buffer, v.buffer, ...(mask ? [mask.buffer] : []), out.buffer],
      uniforms: {
        L: L_SIZE, C: constSize(C), g_off: constSize(g.offset), g_stride: g.stride, u_off: constSize(v.offset), u_stride: v.stride,
        mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride,
      },
      grid: [grid1(constSize(C), ctx.flags.elementwiseWorkgroupSize), grid1(rowsOf(ctx.shape(op.outputs[0]))), ONE],
    });
  },
};
