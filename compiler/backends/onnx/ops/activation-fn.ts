/**
 * An activation as ONNX nodes. Standard ops spell GELU the way torch exports
 * it (x/√2 -> Erf -> +1 -> ·x -> ·0.5; the tanh form likewise), which is the
 * pattern ORT's optimiser fuses; with the `gelu` contrib op it is ORT's Gelu /
 * FastGelu directly.
 */
import type { Activation } from "../../../spec/model-spec.js";
import type { OnnxBuilder } from "../builder.js";

/** Writes `fn(x)` to `output`. */
export function activate(b: OnnxBuilder, fn: Activation, x: string, output: string): string {
  const contribGelu = b.options.contrib.has("gelu");
  switch (fn) {
    case "relu":
      return b.node("Relu", [x], [output]);
    case "tanh":
      return b.node("Tanh", [x], [output]);
    case "silu":
      return b.node("Mul", [x, b.node("Sigmoid", [x], [b.name(output, "sigmoid")])], [output]);
    case "gelu": {
      if (contribGelu) return b.contribNode("Gelu", [x], [output]);
      const scaled = b.node("Div", [x, b.float(Math.SQRT2)], [b.name(output, "x_over_sqrt2")]);
      const erf = b.node("Erf", [scaled], [b.name(output, "erf")]);
      const onePlus = b.node("Add", [erf, b.float(1)], [b.name(output, "one_plus_erf")]);
      const times = b.node("Mul", [x, onePlus], [b.name(output, "x_times")]);
      return b.node("Mul", [times, b.float(0.5)], [output]);
    }
    case "gelu_new": {
      if (contribGelu) return b.contribNode("FastGelu", [x], [output]);
      const square = b.node("Mul", [x, x], [b.name(output, "x2")]);
      const cube = b.node("Mul", [square, x], [b.name(output, "x3")]);
      const cubic = b.node("Mul", [cube, b.float(0.044715)], [b.name(output, "cubic")]);
      const inner = b.node("Add", [x, cubic], [b.name(output, "inner")]);
      const scaled = b.node("Mul", [inner, b.float(Math.sqrt(2 / Math.PI))], [b.name(output, "scaled")]);
      const tanh = b.node("Tanh", [scaled], [b.name(output, "tanh")]);
      const onePlus = b.node("Add", [tanh, b.float(1)], [b.name(output, "one_plus_tanh")]);
      const times = b.node("Mul", [x, onePlus], [b.name(output, "x_times")]);
      return b.node("Mul", [times, b.float(0.5)], [output]);
    }
  }
}
