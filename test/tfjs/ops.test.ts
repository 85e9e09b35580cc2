/**
 * The tfjs op table on small hand-checked cases, run on the cpu backend:
 * each expected number below was worked out by hand from the op's definition
 * in compiler/ir/types.ts.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { stepForm } from "../../compiler/backends/tfjs/forms.js";
import { DIRECT_LOWERING, type TfjsLowering } from "../../compiler/backends/tfjs/lowering.js";
import { weightLayouts } from "../../compiler/backends/tfjs/weight-layout.js";
import { TFJS_OPS, type StepContext } from "../../runtime/tfjs/ops/index.js";
import { buildWeight } from "../../runtime/tfjs/weights.js";
import type { AddLayerNormOp, AttentionOp, DepthwiseConvOp, DynamicConvOp, LinearOp, Op } from "../../compiler/ir/types.js";
import type { WeightMap } from "../../runtime/executor.js";
import { useBackend } from "../../runtime/tfjs/index.js";

const common = { part: "ffn" as const, outputs: ["y"] };

/** Runs one op, formed by `lowering`, with the weight layouts it needs; returns its outputs as flat arrays. */
function runOp(op: Op, inputs: tf.Tensor[], hostWeights: Record<string, { shape: number[]; data: number[] }> = {}, lowering: TfjsLowering = DIRECT_LOWERING, keepInputs = false): number[][] {
  const weights: WeightMap = new Map(Object.entries(hostWeights).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
  const form = stepForm(op, lowering);
  const prepared = new Map(weightLayouts([op], [form]).map((layout) => [layout.name, buildWeight(layout, weights)]));
  const ctx: StepContext = { weights: prepared, form, batch: inputs[0]?.shape[0] ?? 1, seqLen: inputs[0]?.shape[1] ?? 1 };
  const outputs = tf.tidy(() => TFJS_OPS[op.kind](op as never, inputs, ctx));
  const values = outputs.map((t) => Array.from(t.dataSync()));
  tf.dispose([...outputs, ...prepared.values(), ...(keepInputs ? [] : inputs)]);
  return values;
}

const close = (actual: number[], expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i], 5));
};

beforeAll(async () => {
  await useBackend("cpu");
});

describe("tfjs op lowerings", () => {
  it("dynamic_conv with L < K: zero padding outside the sequence, softmax over the taps", () => {
    // L = 2, K = 3, one head of size 1. Position 0: logits [0, 0, ln 2] -> taps [1/4, 1/4, 1/2]
    // over u[-1], u[0], u[1] = 0, 3, 6 -> 0.75 + 3 = 3.75. Position 1: uniform over u[0], u[1], u[2] = 3, 6, 0 -> 3.
    const op: DynamicConvOp = { ...common, id: "y", kind: "dynamic_conv", inputs: ["g", "u"], heads: 1, headSize: 1, kernelSize: 3, maskSpan: false, logits: null };
    const g = tf.tensor3d([[[0, 0, Math.LN2], [0, 0, 0]]]);
    const u = tf.tensor3d([[[3], [6]]]);
    close(runOp(op, [g, u])[0], [3.75, 3]);
  });

  it("dynamic_conv keeps heads apart and, with maskSpan, reads padded positions as zero", () => {
    // 2 heads of size 1, K = 3, L = 2, uniform taps. Head 0 values [3, 6], head 1 values [30, 60].
    const op: DynamicConvOp = { ...common, id: "y", kind: "dynamic_conv", inputs: ["g", "u", "m"], heads: 2, headSize: 1, kernelSize: 3, maskSpan: true, logits: null };
    const g = tf.zeros([1, 2, 6]);
    const u = tf.tensor3d([[[3, 30], [6, 60]]]);
    close(runOp(op, [g, u, tf.tensor2d([[1, 1]])])[0], [3, 30, 3, 30]);
    // Position 1 masked: only u[0] is read -> 1, 10 everywhere.
    close(runOp({ ...op }, [tf.zeros([1, 2, 6]), tf.tensor3d([[[3, 30], [6, 60]]]), tf.tensor2d([[1, 0]])])[0], [1, 10, 1, 10]);
  });

  it("depthwise_conv with L < K: per-channel taps centred on each position", () => {
    // H = 2 channels, K = 3, L = 2. Channel 0 taps [1, 10, 100], channel 1 taps [0, 1, 0] (identity).
    // x channel 0 = [1, 2]: s[0] = 10·1 + 100·2 = 210, s[1] = 1·1 + 10·2 = 21.
    const op: DepthwiseConvOp = { ...common, id: "y", kind: "depthwise_conv", inputs: ["x"], weight: "dw", kernelSize: 3, maskInput: false };
    const x = tf.tensor3d([[[1, 5], [2, 7]]]);
    close(runOp(op, [x], { dw: { shape: [2, 1, 3], data: [1, 10, 100, 0, 1, 0] } })[0], [210, 5, 21, 7]);
  });

  it("grouped linear: block-diagonal [G, in/G, out/G] weights, bias over the concatenated groups", () => {
    // x = [1, 2, 3, 4], G = 2: group 0 [1, 2]·[1, 1] = 3, group 1 [3, 4]·[1, -1] = -1; bias [10, 20].
    const op: LinearOp = {
      ...common, id: "y", kind: "linear", inputs: ["x"], inFeatures: 4, groups: 2, activation: "none",
      segments: [{ weight: "w", bias: "b", outFeatures: 2 , operand: { kind: "input" } }],
    };
    const x = tf.tensor3d([[[1, 2, 3, 4]]]);
    close(runOp(op, [x], { w: { shape: [2, 2, 1], data: [1, 1, 1, -1] }, b: { shape: [2], data: [10, 20] } })[0], [13, 19]);
  });

  it("a fused multi-segment linear gives each segment its own output, bias and shared activation", () => {
    // HF [out, in] weights. Segment a: [[1, 0], [0, 1]] + [0, -10]; segment b (no bias): [[1, 1]].
    // x = [2, 3] -> a = relu([2, -7]) = [2, 0]; b = relu(5) = 5.
    const op: LinearOp = {
      ...common, id: "y", outputs: ["ya", "yb"], kind: "linear", inputs: ["x"], inFeatures: 2, groups: 1, activation: "relu",
      segments: [{ weight: "wa", bias: "ba", outFeatures: 2 , operand: { kind: "input" } }, { weight: "wb", bias: null, outFeatures: 1 , operand: { kind: "input" } }],
    };
    const weights = { wa: { shape: [2, 2], data: [1, 0, 0, 1] }, ba: { shape: [2], data: [0, -10] }, wb: { shape: [1, 2], data: [1, 1] } };
    const [a, b] = runOp(op, [tf.tensor3d([[[2, 3]]])], weights);
    close(a, [2, 0]);
    close(b, [5]);
  });

  it("linear with exact (erf) GELU, and a pointwise [out, in, 1] weight with [out, 1] bias", () => {
    // y = x·1 + 0: gelu(1) = 0.5·(1 + erf(1/√2)) = 0.8413447; gelu(-1) = -0.1586553.
    const op: LinearOp = {
      ...common, id: "y", kind: "linear", inputs: ["x"], inFeatures: 1, groups: 1, activation: "gelu",
      segments: [{ weight: "w", bias: "b", outFeatures: 1 , operand: { kind: "input" } }],
    };
    close(runOp(op, [tf.tensor3d([[[1], [-1]]])], { w: { shape: [1, 1, 1], data: [1] }, b: { shape: [1, 1], data: [0] } })[0], [0.8413447, -0.1586553]);
  });

  it("add_layer_norm: LN(x + residual) with gamma and beta", () => {
    // x + r = [1, 3]: mean 2, variance 1 -> [-1, 1]; gamma [2, 3], beta [0, 1] -> [-2, 4].
    const op: AddLayerNormOp = { ...common, id: "y", kind: "add_layer_norm", inputs: ["x", "r"], terms: [{ kind: "value", input: 0 }, { kind: "value", input: 1 }], gamma: "g", beta: "b", eps: 1e-12 };
    const weights = { g: { shape: [2], data: [2, 3] }, b: { shape: [2], data: [0, 1] } };
    close(runOp(op, [tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[1, 2]]])], weights)[0], [-2, 4]);
  });

  it("attention: a padded key gets zero weight", () => {
    // One head, d = 1, scale 1. q = [0, 0] gives equal scores; key 1 is padding, so both queries read v[0] = 5.
    const op: AttentionOp = { ...common, id: "y", kind: "attention", inputs: ["q", "k", "v", "m"], heads: 1, headSize: 1, scale: 1 };
    const q = tf.tensor3d([[[0], [0]]]);
    const k = tf.tensor3d([[[1], [100]]]);
    const v = tf.tensor3d([[[5], [7]]]);
    close(runOp(op, [q, k, v, tf.tensor2d([[1, 0]])])[0], [5, 5]);
    // Unmasked, equal scores: the mean of v.
    close(runOp(op, [tf.tensor3d([[[0], [0]]]), tf.tensor3d([[[1], [100]]]), tf.tensor3d([[[5], [7]]]), tf.tensor2d([[1, 1]])])[0], [6, 6]);
  });
});

/** Deterministic values in [-1, 1). */
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((((i + 1) * 7919 * (seed + 3)) % 2003) / 1001.5) - 1);

describe("tuned tfjs forms compute what the direct forms compute", () => {
  // Every form at once, with blocks small enough to split these weights.
  const everything: TfjsLowering = {
    ...DIRECT_LOWERING, name: "tuned", attention: "per_head", segments: "per_segment", blockWeights: 8, blockColumns: 2, gelu: "erf_prescaled", why: "test",
  };
  const compare = (op: Op, shapes: number[][], hostWeights: Record<string, { shape: number[]; data: number[] }>, mask?: number[][]) => {
    const inputs = () => [...shapes.map((shape, i) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), i), shape)), ...(mask ? [tf.tensor2d(mask)] : [])];
    const direct = runOp(op, inputs(), hostWeights);
    const tuned = runOp(op, inputs(), hostWeights, everything);
    expect(tuned.length).toBe(direct.length);
    tuned.forEach((out, i) => out.forEach((v, j) => expect(v, `output ${i} index ${j}`).toBeCloseTo(direct[i][j], 5)));
  };

  it("attention per head, two batch rows, a padded key", () => {
    const op: AttentionOp = { ...common, id: "y", kind: "attention", inputs: ["q", "k", "v", "m"], heads: 3, headSize: 2, scale: 0.7 };
    compare(op, [[2, 4, 6], [2, 4, 6], [2, 4, 6]], {}, [[1, 1, 1, 0], [1, 1, 1, 1]]);
  });

  it("a three-segment linear as one matMul per segment, each in 2-column blocks, with prescaled GELU", () => {
    const op: LinearOp = {
      ...common, id: "y", outputs: ["a", "b", "c"], kind: "linear", inputs: ["x"], inFeatures: 4, groups: 1, activation: "gelu",
      segments: [
        { weight: "wa", bias: "ba", outFeatures: 3, operand: { kind: "input" } },
        { weight: "wb", bias: null, outFeatures: 4, operand: { kind: "input" } },
        { weight: "wc", bias: "bc", outFeatures: 1, operand: { kind: "input" } },
      ],
    };
    const w = (out: number, seed: number) => ({ shape: [out, 4], data: values(out * 4, seed) });
    compare(op, [[1, 3, 4]], { wa: w(3, 5), ba: { shape: [3], data: values(3, 6) }, wb: w(4, 7), wc: w(1, 8), bc: { shape: [1], data: [0.25] } });
  });

  it("a gated grouped linear with prescaled GELU", () => {
    const op: LinearOp = {
      ...common, id: "y", kind: "linear", inputs: ["x", "g"], inFeatures: 4, groups: 2, activation: "gelu",
      segments: [{ weight: "w", bias: "b", outFeatures: 6, operand: { kind: "gated", gate: 1 } }],
    };
    compare(op, [[1, 2, 4], [1, 2, 4]], { w: { shape: [2, 2, 3], data: values(12, 9) }, b: { shape: [6], data: values(6, 10) } });
  });
});
