/**
 * `layer_norm`: LayerNormalization over the last axis (opset 17).
 * `add_layer_norm`: LN(a + b): Add then LayerNormalization, or ORT's
 * SkipLayerNormalization with the `skip-layer-norm` contrib op.
 */
import type { AddLayerNormOp, LayerNormOp } from "../../../ir/types.js";
import { attr } from "../proto.js";
import type { Lowering } from "./types.js";

export const layerNorm: Lowering<LayerNormOp> = (op, b) => {
  b.node("LayerNormalization", [op.inputs[0], b.paramAsIs(op.gamma), b.paramAsIs(op.beta)], op.outputs, {
    axis: attr.int(-1),
    epsilon: attr.float(op.eps),
  });
};

export const addLayerNorm: Lowering<AddLayerNormOp> = (op, b) => {
  const [x, residual] = op.inputs;
  const gamma = b.paramAsIs(op.gamma);
  const beta = b.paramAsIs(op.beta);
  if (b.options.contrib.has("skip-layer-norm")) {
    b.contribNode("SkipLayerNormalization", [x, residual, gamma, beta], op.outputs, { epsilon: attr.float(op.eps) });
    return;
  }
  const sum = b.node("Add", [x, residual], [b.name(op.outputs[0], "sum")]);
  b.node("LayerNormalization", [sum, gamma, beta], op.outputs, { axis: attr.int(-1), epsilon: attr.float(op.eps) });
};
