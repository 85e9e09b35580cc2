/**
 * `layer_norm`: LayerNormalization over the last axis (opset 17).
 * `add_layer_norm`: LN(Σ terms). Each term becomes a value (an input, a
 * table Gather, the position rows, or a linear's product), summed by Adds in
 * term order, then LayerNormalization; with the `skip-layer-norm` contrib
 * op, a two-term sum of token values is one SkipLayerNormalization.
 */
import { assertNever, type AddLayerNormOp, type LayerNormOp, type SumTerm } from "../../../ir/types.js";
import type { OnnxBuilder } from "../builder.js";
import { attr } from "../proto.js";
import { emitProduct } from "./linear-product.js";
import { sequenceLength } from "./shared.js";
import type { Lowering } from "./types.js";

export const layerNorm: Lowering<LayerNormOp> = (op, b) => {
  b.node("LayerNormalization", [op.inputs[0], b.paramAsIs(op.gamma), b.paramAsIs(op.beta)], op.outputs, {
    axis: attr.int(-1),
    epsilon: attr.float(op.eps),
  });
};

export const addLayerNorm: Lowering<AddLayerNormOp> = (op, b) => {
  const id = op.outputs[0];
  const width = b.paramShape(op.gamma)[0];
  const terms = op.terms.map((t, i) => term(op, t, b, width, b.name(id, `term${i}`)));
  const gamma = b.paramAsIs(op.gamma);
  const beta = b.paramAsIs(op.beta);
  const tokenShaped = op.terms.every((t) => t.kind !== "positions" && b.rankOf(terms[op.terms.indexOf(t)]) === 3);
  if (b.options.contrib.has("skip-layer-norm") && terms.length === 2 && tokenShaped) {
    b.contribNode("SkipLayerNormalization", [terms[0], terms[1], gamma, beta], op.outputs, { epsilon: attr.float(op.eps) });
    return;
  }
  let sum = terms[0];
  for (let i = 1; i < terms.length; i++) sum = b.node("Add", [sum, terms[i]], [b.name(id, i === terms.length - 1 ? "sum" : `partial_sum${i}`)]);
  b.node("LayerNormalization", [sum, gamma, beta], op.outputs, { axis: attr.int(-1), epsilon: attr.float(op.eps) });
};

function term(op: AddLayerNormOp, t: SumTerm, b: OnnxBuilder, width: number, name: string): string {
  switch (t.kind) {
    case "value":
      return op.inputs[t.input];
    case "gather":
      return b.node("Gather", [b.paramAsIs(t.table), op.inputs[t.ids]], [name], { axis: attr.int(0) });
    case "positions":
      return b.node("Slice", [b.paramAsIs(t.table), b.int64s([0]), sequenceLength(b), b.int64s([0])], [name]);
    case "linear":
      emitProduct(b, { x: op.inputs[t.input], inFeatures: t.inFeatures, groups: t.groups, segments: [{ weight: t.weight, bias: t.bias, outFeatures: width }], activation: "none", outputs: [name] });
      return name;
    default:
      return assertNever(t, "sum term");
  }
}
