/**
 * The fused ops tfjs has no kernel for, split back into steps it runs (tfjs
 * computes each step's intermediates inside one tf.tidy and frees them at
 * their last use, so the split costs one stored tensor, not a copy per use):
 *   linear with segments of different operand kinds -> one linear per run of equal operands
 *   linear over dwconv(x)                            -> depthwise_conv(x), then the linear
 *   dynamic_conv with in-op logits                   -> the gated linear, then the dynamic conv
 *   add_layer_norm with a linear term                -> the linear, then the norm of a value term
 * A gated operand stays in the linear (one multiply inside its step).
 */
import type { DepthwiseConvOp, DynamicConvOp, Graph, LinearOp, LinearOperand, LinearSegment, Op, SumTerm, Value } from "../../ir/types.js";

export function expandForTfjs(graph: Graph): Graph {
  const values: Record<string, Value> = { ...graph.values };
  const ops: Op[] = [];
  /** A new intermediate `${op.id}:${name}` like `like`, but `width` wide. */
  const intermediate = (op: Op, name: string, like: string, width: number): string => {
    const id = `${op.id}:${name}`;
    values[id] = { id, shape: [...graph.values[like].shape.slice(0, -1), width], dtype: "f32" };
    return id;
  };
  const common = (op: Op) => ({ part: op.part, ...(op.layer === undefined ? {} : { layer: op.layer }) });

  for (const op of graph.ops) {
    if (op.kind === "linear") {
      for (const run of operandRuns(op)) {
        const operand = run.segments[0].operand;
        if (operand.kind !== "depthwise_conv") {
          ops.push(run);
          continue;
        }
        const x = run.inputs[0];
        const conv = intermediate(run, "dwconv", x, op.inFeatures);
        const dw: DepthwiseConvOp = { kind: "depthwise_conv", id: conv, inputs: operand.mask === null ? [x] : [x, run.inputs[operand.mask]], outputs: [conv], ...common(op), weight: operand.weight, kernelSize: operand.kernelSize, maskInput: operand.mask !== null };
        ops.push(dw, { ...run, inputs: [conv], segments: run.segments.map((s) => ({ ...s, operand: { kind: "input" } })) });
      }
    } else if (op.kind === "dynamic_conv" && op.logits) {
      const { weight, bias, inFeatures } = op.logits;
      const logits = intermediate(op, "logits", op.inputs[0], op.heads * op.kernelSize);
      const segment: LinearSegment = { weight, bias, outFeatures: op.heads * op.kernelSize, operand: { kind: "gated", gate: 1 } };
      const linear: LinearOp = { kind: "linear", id: logits, inputs: [op.inputs[0], op.inputs[1]], outputs: [logits], ...common(op), inFeatures, groups: 1, segments: [segment], activation: "none" };
      const conv: DynamicConvOp = { ...op, inputs: [logits, ...op.inputs.slice(2)], logits: null };
      ops.push(linear, conv);
    } else if (op.kind === "add_layer_norm" && op.terms.some((t) => t.kind === "linear")) {
      const inputs = [...op.inputs];
      const terms = op.terms.map((t): SumTerm => {
        if (t.kind !== "linear") return t;
        const x = op.inputs[t.input];
        const width = graph.values[op.outputs[0]].shape.at(-1) as number;
        const y = intermediate(op, "linear", x, width);
        ops.push({ kind: "linear", id: y, inputs: [x], outputs: [y], ...common(op), inFeatures: t.inFeatures, groups: t.groups, segments: [{ weight: t.weight, bias: t.bias, outFeatures: width, operand: { kind: "input" } }], activation: "none" });
        inputs[t.input] = y;
        return { kind: "value", input: t.input };
      });
      ops.push({ ...op, inputs, terms });
    } else {
      ops.push(op);
    }
  }
  return { ...graph, values, ops };
}

const sameOperand = (a: LinearOperand, b: LinearOperand): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The linear as runs of consecutive segments with equal operands, each a linear of its own (the op itself when it is one run). */
function operandRuns(op: LinearOp): LinearOp[] {
  const runs: { segments: LinearSegment[]; outputs: string[] }[] = [];
  op.segments.forEach((segment, i) => {
    const last = runs.at(-1);
    if (last && sameOperand(last.segments[0].operand, segment.operand)) {
      last.segments.push(segment);
      last.outputs.push(op.outputs[i]);
    } else {
      runs.push({ segments: [segment], outputs: [op.outputs[i]] });
    }
  });
  if (runs.length === 1) return [op];
  return runs.map((run) => ({ ...op, id: run.outputs[0], segments: run.segments, outputs: run.outputs }));
}
