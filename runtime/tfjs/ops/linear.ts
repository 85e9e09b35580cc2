/**
 * `linear`: the matMuls of its form (compiler/backends/tfjs/forms.ts), each a
 * column block of the concatenated output with its own load-time weight: one
 * block for everything ("split" segments, cut by column slices afterwards), a
 * block per segment, or several per big matMul. Plain linears use
 * `tf.fused.matMul`, which adds the bias (and a ReLU) inside the kernel; GELU
 * has no fused form in tfjs and follows it (prescaled: four ops instead of
 * five). Grouped linears run as one batched matMul over the G groups.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { LinearBlock, LinearForm } from "../../../compiler/backends/tfjs/forms.js";
import { assertNever, type LinearOp } from "../../../compiler/ir/types.js";
import { applyActivation, geluFromPrescaled } from "./activation.js";
import { formOf, weight, type OpLowering, type StepContext } from "./types.js";

export const linear: OpLowering<LinearOp> = (op, inputs, ctx) => {
  const form = formOf(ctx, "linear", op.id);
  const x = operand(op, inputs);
  const leading = x.shape.slice(0, -1);
  const rows = x.size / op.inFeatures;
  const flat = tf.reshape(x, [rows, op.inFeatures]);
  // Each block: [rows, G, size] (G = 1 for plain linears).
  const blocks = form.blocks.map((block) => {
    const y = op.groups === 1 ? plainMatmul(op, form, block, flat, ctx) : groupedMatmul(op, form, block, flat, ctx);
    return { ...block, y };
  });
  const outputs: tf.Tensor[] = [];
  let column = 0;
  for (const segment of op.segments) {
    const width = segment.outFeatures / op.groups;
    const pieces = blocks
      .filter((b) => b.start < column + width && b.start + b.size > column)
      .map((b) => {
        const from = Math.max(column, b.start);
        const to = Math.min(column + width, b.start + b.size);
        return from === b.start && to === b.start + b.size ? b.y : tf.slice(b.y, [0, 0, from - b.start], [rows, op.groups, to - from]);
      });
    // The activation (when not fused in the matMul) runs once per output, after its blocks are joined.
    const joined = finish(op, form, pieces.length === 1 ? pieces[0] : tf.concat(pieces, 2));
    outputs.push(tf.reshape(joined, [...leading, segment.outFeatures]));
    column += width;
  }
  return outputs;
};

function finish(op: LinearOp, form: LinearForm, y: tf.Tensor): tf.Tensor {
  if (form.activation === "gelu_prescaled") return geluFromPrescaled(y);
  if (form.activation === "after") return applyActivation(op.activation, y);
  return y;
}

function plainMatmul(op: LinearOp, form: LinearForm, block: LinearBlock, x: tf.Tensor, ctx: StepContext): tf.Tensor {
  const y = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: weight(ctx, block.kernel) as tf.Tensor2D,
    bias: block.bias ? weight(ctx, block.bias) : undefined,
    activation: form.activation === "fused" && op.activation === "relu" ? "relu" : "linear",
  });
  return tf.expandDims(y, 1);
}

function groupedMatmul(op: LinearOp, form: LinearForm, block: LinearBlock, x: tf.Tensor, ctx: StepContext): tf.Tensor {
  const G = op.groups;
  const rows = x.shape[0];
  // [rows, G, in/G] -> [G, rows, in/G] @ [G, in/G, size] -> [G, rows, size]
  const byGroup = tf.transpose(tf.reshape(x, [rows, G, op.inFeatures / G]), [1, 0, 2]);
  let y = tf.matMul(byGroup as tf.Tensor3D, weight(ctx, block.kernel) as tf.Tensor3D);
  if (block.bias) y = tf.add(y, weight(ctx, block.bias));
  return tf.transpose(y, [1, 0, 2]);
}

/** The left operand every segment shares (the plan split other forms: compiler/backends/tfjs/expand.ts). */
function operand(op: LinearOp, inputs: tf.Tensor[]): tf.Tensor {
  const { operand } = op.segments[0];
  if (op.segments.some((s) => s.operand.kind !== operand.kind)) throw new Error(`tfjs plan: linear '${op.id}' mixes operand kinds`);
  switch (operand.kind) {
    case "input":
      return inputs[0];
    case "gated":
      // tfjs has no gated matmul: one multiply inside this step.
      return tf.mul(inputs[0], inputs[operand.gate]);
    case "depthwise_conv":
      throw new Error(`tfjs plan: linear '${op.id}' over a depthwise conv was not split`);
    default:
      return assertNever(operand, "linear operand");
  }
}
