/**
 * Depthwise convolution over the sequence axis (the span conv's first half):
 * `s[b,l,c] = Σ_t w[c,t] x[b, l+t-K/2, c]`, zero outside the sequence and,
 * with `masked`, at padded positions. One invocation per output element,
 * looping over the taps inside the sequence only (taps.ts).
 */
import type { DepthwiseConvOp } from "../../../ir/types.js";
import type { OpLowering } from "../context.js";
import type { BindingDecl, Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, grid1, L_SIZE, ONE } from "../sizes.js";
import { rowsOf } from "../views.js";
import { tapRange } from "./taps.js";

export const DEPTHWISE_UNIFORMS = ["L", "C", "x_off", "x_stride", "mask_off", "out_off", "out_stride"] as const;
type DepthwiseUniform = (typeof DEPTHWISE_UNIFORMS)[number];

export function depthwiseConvProgram(kernelSize: number, masked: boolean, WG: number): Program<DepthwiseUniform> {
  const bindings: BindingDecl[] = [
    { name: "x", type: "f32", access: "read" },
    { name: "w", type: "f32", access: "read" },
    ...(masked ? [{ name: "mask", type: "f32", access: "read" } as const] : []),
    { name: "out", type: "f32", access: "read_write" },
  ];
  const helper = new ShaderHelper(DEPTHWISE_UNIFORMS, bindings);
  const pad = (kernelSize - 1) / 2;
  const body = `
${ShaderHelper.perChannelEntry(WG)}
  let b = row / u.L;
  let l = i32(row % u.L);
  ${tapRange(kernelSize)}
  var acc = 0.0;
  for (var t = t_first; t < t_end; t++) {
    let src = l + t - ${pad};
    ${masked ? "if (mask[u.mask_off + b * u.L + u32(src)] != 0.0) { " : ""}acc = fma(w[c * ${kernelSize}u + u32(t)], x[u.x_off + (b * u.L + u32(src)) * u.x_stride + c], acc);${masked ? " }" : ""}
  }
  out[u.out_off + row * u.out_stride + c] = acc;
}`;
  return {
    name: "depthwise_conv",
    cacheKey: `depthwise_conv_k${kernelSize}${masked ? "_masked" : ""}_wg${WG}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: 0,
    uniforms: DEPTHWISE_UNIFORMS,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** One invocation per output element: grid (channels / workgroup, rows). */
export const depthwiseConvLowering: OpLowering<DepthwiseConvOp> = {
  writesView: () => true,
  lower(op, ctx) {
    const x = ctx.viewOf(op.inputs[0]);
    const mask = op.maskInput ? ctx.viewOf(op.inputs[1]) : null;
    const out = ctx.outputView(op.outputs[0]);
    ctx.dispatch(op, {
      program: depthwiseConvProgram(op.kernelSize, op.maskInput, ctx.flags.elementwiseWorkgroupSize),
      bindings: [x.buffer, ctx.paramView(op.weight).buffer, ...(mask ? [mask.buffer] : []), out.buffer],
      uniforms: { L: L_SIZE, C: constSize(x.cols), x_off: constSize(x.offset), x_stride: x.stride, mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride },
      grid: [grid1(constSize(x.cols), ctx.flags.elementwiseWorkgroupSize), grid1(rowsOf(ctx.shape(op.outputs[0]))), ONE],
    });
  },
};
