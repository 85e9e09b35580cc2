/**
 * A plain-JavaScript interpreter of the IR, in double precision, one loop nest
 * per op. Slow and obviously correct: the oracle that passes and backends are
 * tested against (it matches the Hugging Face golden vectors). Not for real
 * models at real sizes.
 */
import { assertNever, MASKED_SCORE, type Graph, type LinearOperand, type OpKind, type OpOf, type SumTerm } from "../../compiler/ir/types.js";
import type { HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { applyActivation } from "./math.js";

interface Tensor {
  shape: number[];
  data: Float64Array;
}

export function interpretGraph(graph: Graph, weights: WeightMap, inputs: ModelInputs, outputs: readonly string[]): Record<string, HostTensor> {
  const { batch: B, seqLen: L } = inputs;
  const env = new Map<string, Tensor>();
  env.set("input_ids", { shape: [B, L], data: Float64Array.from(inputs.inputIds) });
  env.set("attention_mask", { shape: [B, L], data: Float64Array.from(inputs.attentionMask) });
  env.set("token_type_ids", { shape: [B, L], data: Float64Array.from(inputs.tokenTypeIds) });
  const weight = (key: string): HostTensor => {
    const w = weights.get(key);
    if (!w) throw new Error(`reference interpreter: no weight '${key}'`);
    return w;
  };
  const read = (id: string): Tensor => {
    const t = env.get(id);
    if (!t) throw new Error(`reference interpreter: value '${id}' not computed`);
    return t;
  };
  for (const op of graph.ops) {
    const results = evaluate(op, op.inputs.map(read), { weight, B, L });
    op.outputs.forEach((id, i) => env.set(id, results[i]));
  }
  const result: Record<string, HostTensor> = {};
  for (const name of outputs) {
    const id = Object.hasOwn(graph.outputs, name) ? graph.outputs[name] : undefined;
    if (id === undefined) throw new Error(`reference interpreter: graph has no output '${name}'`);
    const t = read(id);
    result[name] = { shape: t.shape, data: Float32Array.from(t.data) };
  }
  return result;
}

const rowsOf = (t: Tensor) => t.data.length / t.shape[t.shape.length - 1];
const withLast = (t: Tensor, width: number) => [...t.shape.slice(0, -1), width];

interface EvalContext {
  weight(key: string): HostTensor;
  B: number;
  L: number;
}

type Evaluate<K extends OpKind> = (op: OpOf<K>, inputs: Tensor[], ctx: EvalContext) => Tensor[];

/** One loop nest per op kind; a kind missing here is a compile error. */
const EVALUATE: { [K in OpKind]: Evaluate<K> } = {
  gather: (op, [ids], { weight, B, L }) => [gatherRows(weight(op.table), ids.data, [B, L])],
  positions: (op, _, { weight, L }) => [positionRows(weight(op.table), L)],
  add: (_, [a, b]) => [addBroadcast(a, b)],
  mul: (_, [a, b]) => [elementwiseProduct(a, b)],
  layer_norm: (op, [x], { weight }) => [layerNorm(x.data, x.shape, weight(op.gamma).data, weight(op.beta).data, op.eps)],
  add_layer_norm: (op, ins, ctx) => {
    const sum = op.terms.map((t) => termTensor(t, ins, ctx)).reduce(addBroadcast);
    return [layerNorm(sum.data, sum.shape, ctx.weight(op.gamma).data, ctx.weight(op.beta).data, op.eps)];
  },
  linear: (op, ins, ctx) =>
    op.segments.map((segment) => {
      const x = operandTensor(segment.operand, ins, ctx);
      const y = linear(x, op.inFeatures, segment.outFeatures, op.groups, ctx.weight(segment.weight).data, segment.bias ? ctx.weight(segment.bias).data : null);
      return { shape: y.shape, data: y.data.map((v) => applyActivation(op.activation, v)) };
    }),
  activation: (op, [x]) => [{ shape: x.shape, data: x.data.map((v) => applyActivation(op.fn, v)) }],
  slice: (op, [x]) => {
    const W = x.shape[x.shape.length - 1];
    const out = new Float64Array(rowsOf(x) * op.size);
    for (let r = 0; r < rowsOf(x); r++) out.set(x.data.subarray(r * W + op.start, r * W + op.start + op.size), r * op.size);
    return [{ shape: withLast(x, op.size), data: out }];
  },
  concat: (_, ins) => {
    const widths = ins.map((t) => t.shape[t.shape.length - 1]);
    const total = widths.reduce((s, w) => s + w, 0);
    const rows = rowsOf(ins[0]);
    const out = new Float64Array(rows * total);
    for (let r = 0; r < rows; r++) {
      let offset = 0;
      ins.forEach((t, j) => {
        out.set(t.data.subarray(r * widths[j], (r + 1) * widths[j]), r * total + offset);
        offset += widths[j];
      });
    }
    return [{ shape: withLast(ins[0], total), data: out }];
  },
  take_first: (_, [x]) => {
    const [b, l, h] = x.shape;
    const out = new Float64Array(b * h);
    for (let i = 0; i < b; i++) out.set(x.data.subarray(i * l * h, i * l * h + h), i * h);
    return [{ shape: [b, h], data: out }];
  },
  depthwise_conv: (op, ins, { weight }) => [depthwiseConv(ins[0], weight(op.weight).data, op.kernelSize, op.maskInput ? ins[1].data : null)],
  attention: (op, [q, k, v, mask]) => [attention(q, k, v, mask.data, op.heads, op.headSize, op.scale)],
  dynamic_conv: (op, ins, { weight }) => {
    const mask = op.maskSpan ? ins[ins.length - 1].data : null;
    if (!op.logits) return [dynamicConv(ins[0], ins[1], op.heads, op.headSize, op.kernelSize, mask)];
    // Fused: the kernel logits (a ⊙ gate) @ W + b first.
    const { weight: w, bias, inFeatures } = op.logits;
    const logits = linear(elementwiseProduct(ins[0], ins[1]), inFeatures, op.heads * op.kernelSize, 1, weight(w).data, bias ? weight(bias).data : null);
    return [dynamicConv(logits, ins[2], op.heads, op.headSize, op.kernelSize, mask)];
  },
};

function evaluate<K extends OpKind>(op: OpOf<K>, inputs: Tensor[], ctx: EvalContext): Tensor[] {
  return (EVALUATE[op.kind as K] as Evaluate<K>)(op, inputs, ctx);
}

/** a + b, the smaller operand broadcast over the leading rows ([B,L,E] + [L,E]). */
function addBroadcast(a: Tensor, b: Tensor): Tensor {
  const [big, small] = a.data.length >= b.data.length ? [a, b] : [b, a];
  const m = small.data.length;
  return { shape: big.shape, data: big.data.map((v, i) => v + small.data[i % m]) };
}

function gatherRows(table: HostTensor, ids: Float64Array, leading: number[]): Tensor {
  const E = table.shape[1];
  const out = new Float64Array(ids.length * E);
  ids.forEach((id, i) => out.set(table.data.subarray(id * E, id * E + E), i * E));
  return { shape: [...leading, E], data: out };
}

/** Rows 0..L-1 of a position table. */
function positionRows(table: HostTensor, L: number): Tensor {
  const E = table.shape[1];
  return { shape: [L, E], data: Float64Array.from(table.data.subarray(0, L * E)) };
}

const elementwiseProduct = (a: Tensor, b: Tensor): Tensor => ({ shape: a.shape, data: a.data.map((v, i) => v * b.data[i]) });

/** A linear segment's left operand: the input, gated, or depthwise-convolved. */
function operandTensor(operand: LinearOperand, ins: Tensor[], { weight }: EvalContext): Tensor {
  switch (operand.kind) {
    case "input":
      return ins[0];
    case "gated":
      return elementwiseProduct(ins[0], ins[operand.gate]);
    case "depthwise_conv":
      return depthwiseConv(ins[0], weight(operand.weight).data, operand.kernelSize, operand.mask === null ? null : ins[operand.mask].data);
    default:
      return assertNever(operand, "linear operand");
  }
}

function termTensor(term: SumTerm, ins: Tensor[], { weight, B, L }: EvalContext): Tensor {
  switch (term.kind) {
    case "value":
      return ins[term.input];
    case "gather":
      return gatherRows(weight(term.table), ins[term.ids].data, [B, L]);
    case "positions":
      return positionRows(weight(term.table), L);
    case "linear": {
      const x = ins[term.input];
      const out = weight(term.weight).shape;
      const outFeatures = term.groups === 1 ? out[0] : out[0] * out[2];
      return linear(x, term.inFeatures, outFeatures, term.groups, weight(term.weight).data, term.bias ? weight(term.bias).data : null);
    }
    default:
      return assertNever(term, "sum term");
  }
}

function layerNorm(x: Float64Array, shape: number[], gamma: Float32Array, beta: Float32Array, eps: number): Tensor {
  const W = shape[shape.length - 1];
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / W; r++) {
    const row = x.subarray(r * W, (r + 1) * W);
    const mean = row.reduce((s, v) => s + v, 0) / W;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / W;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < W; i++) out[r * W + i] = (row[i] - mean) * inv * gamma[i] + beta[i];
  }
  return { shape, data: out };
}

/** HF Linear ([out,in] weight) or grouped linear ([G,in/G,out/G] weight, not transposed). */
function linear(x: Tensor, inF: number, outF: number, groups: number, w: Float32Array, bias: Float32Array | null): Tensor {
  const rows = rowsOf(x);
  const gi = inF / groups;
  const go = outF / groups;
  const out = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      for (let o = 0; o < go; o++) {
        let acc = bias ? bias[g * go + o] : 0;
        for (let i = 0; i < gi; i++) {
          const wv = groups === 1 ? w[o * inF + i] : w[(g * gi + i) * go + o];
          acc += x.data[r * inF + g * gi + i] * wv;
        }
        out[r * outF + g * go + o] = acc;
      }
    }
  }
  return { shape: withLast(x, outF), data: out };
}

/** s[b,l,c] = Σ_t w[c,0,t] x[b,l+t-K//2,c]; masked positions read as zero. */
function depthwiseConv(x: Tensor, w: Float32Array, K: number, mask: Float64Array | null): Tensor {
  const [B, L, C] = x.shape;
  const out = new Float64Array(x.data.length);
  const pad = Math.floor(K / 2);
  for (let b = 0; b < B; b++)
    for (let l = 0; l < L; l++)
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let t = 0; t < K; t++) {
          const src = l + t - pad;
          if (src < 0 || src >= L || (mask && mask[b * L + src] === 0)) continue;
          acc += w[c * K + t] * x.data[(b * L + src) * C + c];
        }
        out[(b * L + l) * C + c] = acc;
      }
  return { shape: x.shape, data: out };
}

function attention(q: Tensor, k: Tensor, v: Tensor, mask: Float64Array, heads: number, d: number, scale: number): Tensor {
  const [B, L] = q.shape;
  const W = heads * d;
  const out = new Float64Array(B * L * W);
  const scores = new Float64Array(L);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < L; i++) {
        let max = -Infinity;
        for (let j = 0; j < L; j++) {
          let dot = 0;
          for (let e = 0; e < d; e++) dot += q.data[(b * L + i) * W + h * d + e] * k.data[(b * L + j) * W + h * d + e];
          scores[j] = dot * scale + (mask[b * L + j] === 0 ? MASKED_SCORE : 0);
          max = Math.max(max, scores[j]);
        }
        let sum = 0;
        for (let j = 0; j < L; j++) sum += scores[j] = Math.exp(scores[j] - max);
        for (let e = 0; e < d; e++) {
          let acc = 0;
          for (let j = 0; j < L; j++) acc += scores[j] * v.data[(b * L + j) * W + h * d + e];
          out[(b * L + i) * W + h * d + e] = acc / sum;
        }
      }
  return { shape: [B, L, W], data: out };
}

/** Softmax over the K taps of each (position, head), then a weighted sum over the span. */
function dynamicConv(g: Tensor, u: Tensor, heads: number, d: number, K: number, mask: Float64Array | null): Tensor {
  const [B, L] = u.shape;
  const W = heads * d;
  const pad = (K - 1) / 2;
  const out = new Float64Array(B * L * W);
  const taps = new Float64Array(K);
  for (let b = 0; b < B; b++)
    for (let l = 0; l < L; l++)
      for (let h = 0; h < heads; h++) {
        const base = (b * L + l) * heads * K + h * K;
        let max = -Infinity;
        for (let t = 0; t < K; t++) max = Math.max(max, g.data[base + t]);
        let sum = 0;
        for (let t = 0; t < K; t++) sum += taps[t] = Math.exp(g.data[base + t] - max);
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let t = 0; t < K; t++) {
            const src = l + t - pad;
            if (src < 0 || src >= L || (mask && mask[b * L + src] === 0)) continue;
            acc += (taps[t] / sum) * u.data[(b * L + src) * W + h * d + j];
          }
          out[(b * L + l) * W + h * d + j] = acc;
        }
      }
  return { shape: [B, L, W], data: out };
}
