/**
 * `linear`: segments that read the same operand run as one product
 * (linear-product.ts); fusion keeps them contiguous. An operand is the
 * input itself, the input gated (`inputs[0] ⊙ inputs[gate]`, one Mul), or
 * its depthwise conv (the span key's separable conv, one grouped Conv).
 */
import { assertNever, type LinearOp, type LinearOperand } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { emitDepthwiseConv } from "./depthwise-conv.js";
import { emitProduct } from "./linear-product.js";
import type { Lowering } from "./types.js";

export const linear: Lowering<LinearOp> = (op, b) => {
  let start = 0;
  while (start < op.segments.length) {
    const key = JSON.stringify(op.segments[start].operand);
    let end = start + 1;
    while (end < op.segments.length && JSON.stringify(op.segments[end].operand) === key) end++;
    const outputs = op.outputs.slice(start, end);
    emitProduct(b, {
      x: operand(op, op.segments[start].operand, b, outputs[0]),
      inFeatures: op.inFeatures,
      groups: op.groups,
      segments: op.segments.slice(start, end),
      activation: op.activation,
      outputs,
    });
    start = end;
  }
};

function operand(op: LinearOp, o: LinearOperand, b: OnnxBuilder, base: string): string {
  switch (o.kind) {
    case "input":
      return op.inputs[0];
    case "gated":
      return b.node("Mul", [op.inputs[0], op.inputs[o.gate]], [b.name(base, "gated_operand")]);
    case "depthwise_conv":
      return emitDepthwiseConv(b, {
        x: op.inputs[0],
        weight: o.weight,
        kernelSize: o.kernelSize,
        mask: o.mask === null ? null : op.inputs[o.mask],
        output: b.name(base, "conv_operand"),
      });
    default:
      return assertNever(o, "linear operand");
  }
}
