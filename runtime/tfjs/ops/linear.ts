/**
 * `linear`: one matmul for all segments (their weights were concatenated at
 * load time), then one output per segment. Plain linears use
 * `tf.fused.matMul`, which adds the bias (and a ReLU) inside the kernel on
 * the cpu and wasm backends; GELU has no fused form in tfjs and follows it.
 * Grouped linears run as one batched matmul over the G groups.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertNever, type LinearOp } from "../../../compiler/ir/types.js";
import { linearBiasName, linearKernelName } from "../../../compiler/backends/tfjs/weight-layout.js";
import { applyActivation } from "./activation.js";
import { weight, type OpLowering, type StepContext } from "./types.js";

export const linear: OpLowering<LinearOp> = (op, inputs, ctx) => {
  const x = operand(op, inputs);
  const leading = x.shape.slice(0, -1);
  const rows = x.size / op.inFeatures;
  const flat = tf.reshape(x, [rows, op.inFeatures]);
  const y = op.groups === 1 ? plainMatmul(op, flat, ctx) : groupedMatmul(op, flat, ctx);
  // y: [rows, G, Σout/G] (G = 1 for plain); each segment is a column range of every group.
  const outputs: tf.Tensor[] = [];
  let column = 0;
  for (const segment of op.segments) {
    const width = segment.outFeatures / op.groups;
    const part = op.segments.length === 1 ? y : tf.slice(y, [0, 0, column], [rows, op.groups, width]);
    outputs.push(tf.reshape(part, [...leading, segment.outFeatures]));
    column += width;
  }
  return outputs;
};

function plainMatmul(op: LinearOp, x: tf.Tensor, ctx: StepContext): tf.Tensor {
  const biasName = linearBiasName(op);
  const fusable = op.activation === "relu" || op.activation === "none";
  const y = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: weight(ctx, linearKernelName(op)) as tf.Tensor2D,
    bias: biasName ? weight(ctx, biasName) : undefined,
    activation: op.activation === "relu" ? "relu" : "linear",
  });
  const activated = fusable ? y : applyActivation(op.activation, y);
  return tf.expandDims(activated, 1);
}

function groupedMatmul(op: LinearOp, x: tf.Tensor, ctx: StepContext): tf.Tensor {
  const G = op.groups;
  const rows = x.shape[0];
  // [rows, G, in/G] -> [G, rows, in/G] @ [G, in/G, Σout/G] -> [G, rows, Σout/G]
  const byGroup = tf.transpose(tf.reshape(x, [rows, G, op.inFeatures / G]), [1, 0, 2]);
  let y = tf.matMul(byGroup as tf.Tensor3D, weight(ctx, linearKernelName(op)) as tf.Tensor3D);
  const biasName = linearBiasName(op);
  if (biasName) y = tf.add(y, weight(ctx, biasName));
  return tf.transpose(applyActivation(op.activation, y), [1, 0, 2]);
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
