/**
 * The op table: for every IR op kind, what generic code needs to know about
 * it: the parameters it reads, its FLOPs, its scratch memory and how it
 * prints. `OP_TABLE` is a mapped type over `OpKind`, so a new op kind that is
 * missing here is a compile error; the reference interpreter, the tfjs ops,
 * the WGSL lowering and the ONNX lowering are tables of the same shape.
 *
 * FLOP conventions (docs/analysis.md): a multiply-add is 2 FLOPs; a bias add,
 * residual add or gating multiply 1 per element; an activation 1 per element;
 * softmax 5 per element; LayerNorm 7 per element. A fused op costs the sum of
 * what it fused, so every pass preserves the graph's FLOPs.
 */
import { add, monomial, scale, shapeSize, ZERO, type Polynomial } from "./polynomial.js";
import { assertNever, type LinearOp, type LinearOperand, type OpKind, type OpOf, type Part, type Shape, type SumTerm } from "./types.js";

export const ACTIVATION_FLOPS = 1;
export const SOFTMAX_FLOPS = 5;
export const LAYER_NORM_FLOPS = 7;

/** What FLOP counting may ask about the graph around an op. */
export interface OpContext {
  shapeOf(valueId: string): Shape;
  /** The part a parameter belongs to (a fused projection keeps each segment's part). */
  partOfParam(key: string): Part | undefined;
}

/** FLOPs of one op, split by part (a fused projection spans several). */
export interface PartFlops {
  part: Part;
  flops: Polynomial;
}

export interface OpInfo<O> {
  /** One line: what the op computes. */
  summary: string;
  /** Parameter keys (HF state-dict keys) the op reads. */
  params(op: O): string[];
  flops(op: O, ctx: OpContext): PartFlops[];
  /** Elements of internal scratch that is no IR value (attention scores, conv taps). */
  scratch(op: O): Polynomial;
  /** The attributes part of an IR line: ` w=...[768,768] eps=1e-12`; `param` formats a key with its shape. */
  describe(op: O, param: (key: string) => string): string;
}

export type OpTable = { [K in OpKind]: OpInfo<OpOf<K>> };

const none = (): string[] => [];
const noScratch = (): Polynomial => ZERO;
const noFlops = (): PartFlops[] => [];
const perOutputElement = (flopsPerElement: number) => (op: { outputs: string[]; part: Part }, ctx: OpContext): PartFlops[] => [
  { part: op.part, flops: scale(shapeSize(ctx.shapeOf(op.outputs[0])), flopsPerElement) },
];

export const OP_TABLE: OpTable = {
  gather: {
    summary: "rows of a table picked by integer ids: [B,L] -> [B,L,E]",
    params: (op) => [op.table],
    flops: noFlops,
    scratch: noScratch,
    describe: (op, param) => ` table=${param(op.table)}`,
  },
  positions: {
    summary: "rows 0..L-1 of a table: [L,E]",
    params: (op) => [op.table],
    flops: noFlops,
    scratch: noScratch,
    describe: (op, param) => ` table=${param(op.table)}`,
  },
  add: {
    summary: "elementwise sum, trailing-axis broadcast",
    params: none,
    flops: perOutputElement(1),
    scratch: noScratch,
    describe: () => "",
  },
  mul: {
    summary: "elementwise product of two equal shapes",
    params: none,
    flops: perOutputElement(1),
    scratch: noScratch,
    describe: () => "",
  },
  layer_norm: {
    summary: "LayerNorm over the last axis",
    params: (op) => [op.gamma, op.beta],
    flops: perOutputElement(LAYER_NORM_FLOPS),
    scratch: noScratch,
    describe: (op, param) => ` gamma=${param(op.gamma)} beta=${param(op.beta)} eps=${op.eps}`,
  },
  add_layer_norm: {
    summary: "LayerNorm of a sum of terms (values, table gathers, position rows, one linear)",
    params: (op) => [...op.terms.flatMap(termParams), op.gamma, op.beta],
    flops: (op, ctx) => [
      ...perOutputElement(op.terms.length - 1 + LAYER_NORM_FLOPS)(op, ctx),
      ...op.terms.flatMap((t) => (t.kind === "linear" ? [matmulFlops(ctx.shapeOf(op.inputs[t.input]), t.inFeatures / t.groups, ctx.shapeOf(op.outputs[0]).at(-1) as number, t.bias, op.part, ctx)] : [])),
    ],
    scratch: noScratch,
    describe: (op, param) => ` terms=${op.terms.map((t) => describeTerm(t, param)).join(" + ")} gamma=${param(op.gamma)} beta=${param(op.beta)} eps=${op.eps}`,
  },
  linear: {
    summary: "operand @ W + b per segment (the operand: the input, gated, or depthwise-convolved), optional activation",
    params: (op) => op.segments.flatMap((s) => [...operandParams(s.operand), s.weight, ...(s.bias ? [s.bias] : [])]),
    flops: linearFlops,
    scratch: noScratch,
    describe: (op, param) => {
      const segments = op.segments.map((s) => `${describeOperand(s.operand, param)}${param(s.weight)}${s.bias ? ` + ${param(s.bias)}` : ""}`).join(" | ");
      const groups = op.groups > 1 ? ` groups=${op.groups}` : "";
      const act = op.activation !== "none" ? ` act=${op.activation}` : "";
      return ` in=${op.inFeatures}${groups}${act} w=${segments}`;
    },
  },
  activation: {
    summary: "elementwise activation",
    params: none,
    flops: perOutputElement(ACTIVATION_FLOPS),
    scratch: noScratch,
    describe: (op) => ` fn=${op.fn}`,
  },
  slice: {
    summary: "a column range of the last axis",
    params: none,
    flops: noFlops,
    scratch: noScratch,
    describe: (op) => ` start=${op.start} size=${op.size}`,
  },
  concat: {
    summary: "concatenation on the last axis",
    params: none,
    flops: noFlops,
    scratch: noScratch,
    describe: () => "",
  },
  depthwise_conv: {
    summary: "per-channel conv over the sequence, zero padded",
    params: (op) => [op.weight],
    flops: (op, ctx) => perOutputElement(2 * op.kernelSize)(op, ctx),
    scratch: noScratch,
    describe: (op, param) => ` w=${param(op.weight)} k=${op.kernelSize}${op.maskInput ? " masked" : ""}`,
  },
  attention: {
    summary: "softmax self-attention per head with the additive padding mask",
    params: none,
    // Per (batch, head): QKᵀ and PV are 2·L²·d each; scale, mask, softmax per score.
    flops: (op) => [{ part: op.part, flops: monomial(op.heads * (4 * op.headSize + 2 + SOFTMAX_FLOPS), 1, 2) }],
    scratch: (op) => monomial(op.heads, 1, 2),
    describe: (op) => ` heads=${op.heads} head_size=${op.headSize} scale=${op.scale.toPrecision(6)}`,
  },
  dynamic_conv: {
    summary: "span-based dynamic convolution: softmax over K taps, weighted sum over the span (kernel logits in-op when fused)",
    params: (op) => (op.logits ? [op.logits.weight, ...(op.logits.bias ? [op.logits.bias] : [])] : []),
    flops: (op, ctx) => {
      // Per (batch, position, head): softmax over K taps, then K taps for each of d channels.
      const conv = { part: op.part, flops: monomial(op.heads * (SOFTMAX_FLOPS * op.kernelSize + 2 * op.kernelSize * op.headSize), 1, 1) };
      if (!op.logits) return [conv];
      // The folded gated linear: the gating product, then (a ⊙ gate) @ W + b.
      const rows = shapeSize(ctx.shapeOf(op.inputs[0]).slice(0, -1));
      const gating = { part: op.part, flops: scale(rows, op.logits.inFeatures) };
      return [gating, matmulFlops(ctx.shapeOf(op.inputs[0]), op.logits.inFeatures, op.heads * op.kernelSize, op.logits.bias, op.part, ctx), conv];
    },
    scratch: (op) => monomial(op.heads * op.kernelSize, 1, 1),
    describe: (op, param) => {
      const logits = op.logits ? ` logits=(#0 ⊙ #1) @ ${param(op.logits.weight)}${op.logits.bias ? ` + ${param(op.logits.bias)}` : ""}` : "";
      return ` heads=${op.heads} head_size=${op.headSize} k=${op.kernelSize}${op.maskSpan ? " masked" : ""}${logits}`;
    },
  },
  take_first: {
    summary: "the first token: [B,L,H] -> [B,H]",
    params: none,
    flops: noFlops,
    scratch: noScratch,
    describe: () => "",
  },
};

/** Each segment: rows · (2·in/G·out + bias + activation) plus what its fused operand costs, attributed to its own part. */
function linearFlops(op: LinearOp, ctx: OpContext): PartFlops[] {
  const inputShape = ctx.shapeOf(op.inputs[0]);
  const rows = shapeSize(inputShape.slice(0, -1));
  const activation = op.activation === "none" ? 0 : ACTIVATION_FLOPS;
  return op.segments.flatMap((segment): PartFlops[] => {
    const perRow = segment.outFeatures * (2 * (op.inFeatures / op.groups) + (segment.bias ? 1 : 0) + activation);
    // A fused projection keeps each segment's part (query -> self_attention,
    // conv_out_layer -> span_conv) via its bias, which is never shared (a tied
    // LM head shares only its weight).
    const part = (segment.bias && ctx.partOfParam(segment.bias)) || op.part;
    const operand = operandFlops(segment.operand, op.inFeatures);
    return [{ part, flops: scale(rows, perRow + operand) }];
  });
}

/** FLOPs per row of forming a fused operand: the gating product, or K taps per channel of the depthwise conv. */
function operandFlops(operand: LinearOperand, inFeatures: number): number {
  switch (operand.kind) {
    case "input":
      return 0;
    case "gated":
      return inFeatures;
    case "depthwise_conv":
      return 2 * operand.kernelSize * inFeatures;
    default:
      return assertNever(operand, "linear operand");
  }
}

/** rows · (2·in·out + bias), attributed to the bias's part when it has one. */
function matmulFlops(inputShape: Shape, inPerGroup: number, outFeatures: number, bias: string | null, fallback: Part, ctx: OpContext): PartFlops {
  const rows = shapeSize(inputShape.slice(0, -1));
  return { part: (bias && ctx.partOfParam(bias)) || fallback, flops: scale(rows, outFeatures * (2 * inPerGroup + (bias ? 1 : 0))) };
}

const operandParams = (operand: LinearOperand): string[] => (operand.kind === "depthwise_conv" ? [operand.weight] : []);

function termParams(term: SumTerm): string[] {
  switch (term.kind) {
    case "value":
      return [];
    case "gather":
    case "positions":
      return [term.table];
    case "linear":
      return [term.weight, ...(term.bias ? [term.bias] : [])];
    default:
      return assertNever(term, "sum term");
  }
}

function describeOperand(operand: LinearOperand, param: (key: string) => string): string {
  switch (operand.kind) {
    case "input":
      return "";
    case "gated":
      return `(⊙ #${operand.gate}) `;
    case "depthwise_conv":
      return `(dwconv ${param(operand.weight)} k=${operand.kernelSize}${operand.mask === null ? "" : ` masked by #${operand.mask}`}) `;
    default:
      return assertNever(operand, "linear operand");
  }
}

function describeTerm(term: SumTerm, param: (key: string) => string): string {
  switch (term.kind) {
    case "value":
      return `#${term.input}`;
    case "gather":
      return `${param(term.table)}[#${term.ids}]`;
    case "positions":
      return `${param(term.table)}[:L]`;
    case "linear":
      return `(#${term.input} @ ${param(term.weight)}${term.bias ? ` + ${param(term.bias)}` : ""}${term.groups > 1 ? ` groups=${term.groups}` : ""})`;
    default:
      return assertNever(term, "sum term");
  }
}

/** Dispatches through the table with the op's own type (TypeScript cannot narrow a mapped-table lookup by itself). */
export function opInfo<K extends OpKind>(op: OpOf<K>): OpInfo<OpOf<K>> {
  return OP_TABLE[op.kind as K] as OpInfo<OpOf<K>>;
}

export const paramsRead = <K extends OpKind>(op: OpOf<K>): string[] => opInfo(op).params(op);

/** Sum of per-part FLOPs of an op. */
export const opFlopsTotal = (parts: readonly PartFlops[]): Polynomial => add(...parts.map((p) => p.flops));
