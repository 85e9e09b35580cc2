/**
 * Which IR ops fold into a neighbour's kernel instead of getting a dispatch.
 * A value can be folded only when its single consumer is the fusing op and it
 * is not a requested output (nobody else may need it materialised).
 * - activation after a one-segment linear -> the matmul epilogue;
 * - mul feeding a linear -> the matmul's A loads (q-gating);
 * - add / gather / positions feeding a LayerNorm or add -> its terms;
 * - concat -> its producers write straight into the halves of its buffer.
 */
import type { LinearOp, Op } from "../../ir/types.js";
import type { Activation } from "../../spec/model-spec.js";

export interface Fusion {
  /** Ops computed inside another op's kernel. */
  absorbed: Set<string>;
  /** Linear op id -> the activation op folded into it. */
  epilogue: Map<string, { fn: Activation; output: string }>;
  /** Linear op id -> the two factors of its folded gating mul. */
  gate: Map<string, [string, string]>;
  /** Concat op ids whose inputs are written in place. */
  inPlaceConcats: Set<string>;
  producer: Map<string, Op>;
  consumers: Map<string, Op[]>;
}

const WRITES_VIEWS = new Set<Op["kind"]>(["attention", "dynamic_conv", "depthwise_conv", "layer_norm", "add_layer_norm", "add", "mul", "activation", "gather"]);

export function planFusion(ops: readonly Op[], outputValues: ReadonlySet<string>): Fusion {
  const producer = new Map<string, Op>();
  const consumers = new Map<string, Op[]>();
  for (const op of ops) {
    for (const o of op.outputs) producer.set(o, op);
    for (const i of op.inputs) consumers.set(i, [...(consumers.get(i) ?? []), op]);
  }
  const soleConsumer = (v: string, op: Op) => !outputValues.has(v) && consumers.get(v)?.length === 1 && consumers.get(v)![0] === op;
  const fusion: Fusion = { absorbed: new Set(), epilogue: new Map(), gate: new Map(), inPlaceConcats: new Set(), producer, consumers };

  for (const op of ops) {
    const src = producer.get(op.inputs[0]);
    if (op.kind === "activation" && src?.kind === "linear" && src.segments.length === 1 && src.activation === "none" && soleConsumer(op.inputs[0], op)) {
      fusion.epilogue.set(src.id, { fn: op.fn, output: op.outputs[0] });
      fusion.absorbed.add(op.id);
    }
    if (op.kind === "linear" && src?.kind === "mul" && soleConsumer(op.inputs[0], op)) {
      fusion.gate.set(op.id, [src.inputs[0], src.inputs[1]]);
      fusion.absorbed.add(src.id);
    }
    if (op.kind === "layer_norm" || op.kind === "add_layer_norm" || op.kind === "add") absorbTerms(op, fusion, soleConsumer);
  }
  for (const op of ops) {
    if (op.kind === "concat" && op.inputs.every((v) => soleConsumer(v, op) && writesView(fusion.producer.get(v), v, fusion))) {
      fusion.inPlaceConcats.add(op.id);
    }
  }
  return fusion;
}

/** Marks adds, gathers and positions feeding `op` (transitively through adds) as absorbed. */
function absorbTerms(op: Op, fusion: Fusion, soleConsumer: (v: string, op: Op) => boolean): void {
  for (const v of op.inputs) {
    const src = fusion.producer.get(v);
    if (!src || !soleConsumer(v, op)) continue;
    if (src.kind === "add") {
      fusion.absorbed.add(src.id);
      absorbTerms(src, fusion, soleConsumer);
    } else if (src.kind === "gather" || src.kind === "positions") {
      fusion.absorbed.add(src.id);
    }
  }
}

/** Whether the kernel producing `v` can write it into a strided region of another buffer. */
function writesView(op: Op | undefined, v: string, fusion: Fusion): boolean {
  if (!op || (fusion.absorbed.has(op.id) && op.kind !== "activation")) return false;
  if (op.kind === "activation") {
    // A folded activation is written by its linear's epilogue.
    const linear = fusion.producer.get(op.inputs[0]) as LinearOp | undefined;
    return fusion.absorbed.has(op.id) ? linear?.kind === "linear" && fusion.epilogue.get(linear.id)?.output === v : true;
  }
  if (op.kind === "linear") return op.segments.length === 1;
  return WRITES_VIEWS.has(op.kind);
}
