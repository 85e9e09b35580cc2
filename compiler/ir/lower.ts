/**
 * ModelSpec -> IR. A direct transcription of the reference math
 * (shared/docs/convbert-reference.md): embeddings, N mixed-attention blocks,
 * then the task heads. Every parameter gets its Hugging Face key and shape.
 *
 * Generalised head split: a block has `a` attention heads and `c` conv heads
 * of size d. HF ConvBERT is a == c, where one query projection serves both
 * branches; for a != c the query is d*max(a,c) wide and each branch reads its
 * first heads. BERT is c == 0 (no span-conv parameters at all).
 */
import { queryWidth, type BlockSpec, type ModelSpec } from "../spec/model-spec.js";
import { GraphBuilder } from "./builder.js";
import type { ActivationOp, AddOp, AttentionOp, ConcatOp, DepthwiseConvOp, DynamicConvOp, GatherOp, Graph, LayerNormOp, LinearOp, MulOp, PositionsOp, Shape, SliceOp, TakeFirstOp } from "./types.js";

const BL = (width: number): Shape => ["B", "L", width];

export function lowerToIR(spec: ModelSpec): Graph {
  const b = new GraphBuilder();
  const inputs = {
    input_ids: { id: b.addValue("input_ids", ["B", "L"], "i32"), shape: ["B", "L"], dtype: "i32" },
    attention_mask: { id: b.addValue("attention_mask", ["B", "L"], "f32"), shape: ["B", "L"], dtype: "f32" },
    token_type_ids: { id: b.addValue("token_type_ids", ["B", "L"], "i32"), shape: ["B", "L"], dtype: "i32" },
  } as const;
  const outputs: Record<string, string> = {};

  let hidden = lowerEmbeddings(b, spec);
  outputs["hidden_states.0"] = hidden;
  spec.layers.forEach((block, i) => {
    hidden = lowerBlock(b, spec, block, i, hidden, outputs);
    outputs[`hidden_states.${i + 1}`] = hidden;
  });
  b.layer = undefined;
  outputs.last_hidden_state = hidden;
  lowerHeads(b, spec, hidden, outputs);

  return {
    name: spec.name,
    spec,
    inputs: {
      input_ids: { ...inputs.input_ids },
      attention_mask: { ...inputs.attention_mask },
      token_type_ids: { ...inputs.token_type_ids },
    },
    params: b.params,
    values: b.values,
    ops: b.ops,
    outputs,
  };
}

/** `x @ W + b` with HF weight `[out, in]` (or grouped `[G, in/G, out/G]`). */
function linear(
  b: GraphBuilder,
  x: string,
  output: string,
  key: string,
  inFeatures: number,
  outFeatures: number,
  options: { groups?: number; weightShape?: number[]; biasShape?: number[] | null; weight?: string } = {},
): string {
  const groups = options.groups ?? 1;
  const weightShape = options.weightShape ?? (groups === 1 ? [outFeatures, inFeatures] : [groups, inFeatures / groups, outFeatures / groups]);
  const weight = options.weight ?? b.param(`${key}.weight`, weightShape, "normal");
  const bias = options.biasShape === null ? null : b.param(`${key}.bias`, options.biasShape ?? [outFeatures], "zeros");
  const inShape = b.values[x].shape;
  const shape = [...inShape.slice(0, -1), outFeatures];
  return b.op<LinearOp>({ kind: "linear", inputs: [x], inFeatures, groups, segments: [{ weight, bias, outFeatures, operand: { kind: "input" } }], activation: "none" }, output, shape);
}

function layerNorm(b: GraphBuilder, x: string, output: string, key: string, width: number, eps: number): string {
  const gamma = b.param(`${key}.weight`, [width], "ones");
  const beta = b.param(`${key}.bias`, [width], "zeros");
  return b.op<LayerNormOp>({ kind: "layer_norm", inputs: [x], gamma, beta, eps }, output, b.values[x].shape);
}

function activation(b: GraphBuilder, x: string, output: string, fn: ModelSpec["activation"]): string {
  return b.op<ActivationOp>({ kind: "activation", inputs: [x], fn }, output, b.values[x].shape);
}

function lowerEmbeddings(b: GraphBuilder, spec: ModelSpec): string {
  b.part = "embeddings";
  const E = spec.embeddingSize;
  const word = b.param("embeddings.word_embeddings.weight", [spec.vocabSize, E], "normal");
  const position = b.param("embeddings.position_embeddings.weight", [spec.maxPositions, E], "normal");
  const tokenType = b.param("embeddings.token_type_embeddings.weight", [spec.typeVocabSize, E], "normal");
  const words = b.op<GatherOp>({ kind: "gather", inputs: ["input_ids"], table: word }, "emb.words", BL(E));
  const positions = b.op<PositionsOp>({ kind: "positions", inputs: [], table: position }, "emb.positions", ["L", E]);
  const types = b.op<GatherOp>({ kind: "gather", inputs: ["token_type_ids"], table: tokenType }, "emb.token_types", BL(E));
  const sum1 = b.op<AddOp>({ kind: "add", inputs: [words, positions] }, "emb.words_positions", BL(E));
  const sum = b.op<AddOp>({ kind: "add", inputs: [sum1, types] }, "emb.sum", BL(E));
  const normed = layerNorm(b, sum, "emb.norm", "embeddings.LayerNorm", E, spec.layerNormEps);
  if (E === spec.hiddenSize) return normed;
  return linear(b, normed, "emb.project", "embeddings_project", E, spec.hiddenSize);
}

function lowerBlock(b: GraphBuilder, spec: ModelSpec, block: BlockSpec, i: number, x: string, outputs: Record<string, string>): string {
  const H = spec.hiddenSize;
  const { attentionHeads: a, convHeads: c, headSize: d, convKernelSize: K } = block;
  const key = `encoder.layer.${i}.attention.self`;
  const v = (name: string) => `l${i}.${name}`;
  b.layer = i;

  b.part = "self_attention";
  const qWidth = queryWidth(block);
  const q = linear(b, x, v("query"), `${key}.query`, H, qWidth);
  const branches: string[] = [];
  if (a > 0) {
    const k = linear(b, x, v("key"), `${key}.key`, H, a * d);
    const value = linear(b, x, v("value"), `${key}.value`, H, a * d);
    const qa = sliceTo(b, q, v("query_attention"), a * d);
    branches.push(
      b.op<AttentionOp>({ kind: "attention", inputs: [qa, k, value, "attention_mask"], heads: a, headSize: d, scale: 1 / Math.sqrt(d) }, v("attention"), BL(a * d)),
    );
  }
  if (c > 0) {
    b.part = "span_conv";
    const A = c * d;
    const sep = `${key}.key_conv_attn_layer`;
    const depthwise = b.param(`${sep}.depthwise.weight`, [H, 1, K], "normal");
    const spanInputs = block.maskSpan ? [x, "attention_mask"] : [x];
    const span = b.op<DepthwiseConvOp>({ kind: "depthwise_conv", inputs: spanInputs, weight: depthwise, kernelSize: K, maskInput: block.maskSpan }, v("span_depthwise"), BL(H));
    const spanKey = linear(b, span, v("span_key"), sep, H, A, {
      weight: b.param(`${sep}.pointwise.weight`, [A, H, 1], "normal"),
      biasShape: [A, 1],
    });
    const qc = sliceTo(b, q, v("query_conv"), A);
    const gated = b.op<MulOp>({ kind: "mul", inputs: [spanKey, qc] }, v("span_gated"), BL(A));
    const kernelLogits = linear(b, gated, v("conv_kernel"), `${key}.conv_kernel_layer`, A, c * K);
    const convValues = linear(b, x, v("conv_values"), `${key}.conv_out_layer`, H, A);
    const convInputs = block.maskSpan ? [kernelLogits, convValues, "attention_mask"] : [kernelLogits, convValues];
    branches.push(
      b.op<DynamicConvOp>({ kind: "dynamic_conv", inputs: convInputs, heads: c, headSize: d, kernelSize: K, maskSpan: block.maskSpan, logits: null }, v("span_conv"), BL(A)),
    );
  }
  const mixedWidth = (a + c) * d;
  const mixed = branches.length === 1 ? branches[0] : b.op<ConcatOp>({ kind: "concat", inputs: branches }, v("mixed_attention"), BL(mixedWidth));

  b.part = "attention_output";
  const out = `encoder.layer.${i}`;
  const projected = linear(b, mixed, v("attention_dense"), `${out}.attention.output.dense`, mixedWidth, H);
  const residual1 = b.op<AddOp>({ kind: "add", inputs: [projected, x] }, v("attention_residual"), BL(H));
  const attended = layerNorm(b, residual1, v("attention_output"), `${out}.attention.output.LayerNorm`, H, spec.layerNormEps);

  b.part = "ffn";
  const { intermediateSize: I, ffnGroups: G } = block;
  const inner = linear(b, attended, v("intermediate_linear"), `${out}.intermediate.dense`, H, I, { groups: G });
  const activated = activation(b, inner, v("intermediate"), block.activation);
  const ffnOut = linear(b, activated, v("ffn_output"), `${out}.output.dense`, I, H, { groups: G });
  const residual2 = b.op<AddOp>({ kind: "add", inputs: [ffnOut, attended] }, v("output_residual"), BL(H));
  const result = layerNorm(b, residual2, v("output"), `${out}.output.LayerNorm`, H, spec.layerNormEps);

  // Intermediates the golden vectors record (HF names), for debugging a backend layer by layer.
  outputs[`debug.layer${i}.mixed_attention`] = mixed;
  outputs[`debug.layer${i}.attention_output`] = attended;
  outputs[`debug.layer${i}.intermediate`] = activated;
  return result;
}

/** The first `width` channels of `x`, or `x` itself when it is exactly that wide. */
function sliceTo(b: GraphBuilder, x: string, output: string, width: number): string {
  const shape = b.values[x].shape;
  if (shape[shape.length - 1] === width) return x;
  return b.op<SliceOp>({ kind: "slice", inputs: [x], start: 0, size: width }, output, [...shape.slice(0, -1), width]);
}

function lowerHeads(b: GraphBuilder, spec: ModelSpec, hidden: string, outputs: Record<string, string>): void {
  const H = spec.hiddenSize;
  const E = spec.embeddingSize;
  const { pooler, mlm, classifier } = spec.heads;
  const first = (part: "pooler" | "cls_head", name: string) => {
    b.part = part;
    return b.op<TakeFirstOp>({ kind: "take_first", inputs: [hidden] }, name, ["B", H]);
  };
  if (pooler) {
    const cls = first("pooler", "pooler.first_token");
    const dense = linear(b, cls, "pooler.dense", "pooler.dense", H, H);
    outputs.pooler_output = activation(b, dense, "pooler.output", "tanh");
  }
  if (mlm) {
    b.part = "mlm_head";
    const dense = linear(b, hidden, "mlm.dense", "generator_predictions.dense", H, E);
    // HF's ConvBERT and ELECTRA heads use GELU here whatever hidden_act says (BERT imports set hidden_act).
    const activated = activation(b, dense, "mlm.activated", mlm.activation ?? "gelu");
    const normed = layerNorm(b, activated, "mlm.norm", "generator_predictions.LayerNorm", E, spec.layerNormEps);
    const weight = mlm.tied ? "embeddings.word_embeddings.weight" : undefined;
    outputs.mlm_logits = linear(b, normed, "mlm.logits", "generator_lm_head", E, spec.vocabSize, { weight });
  }
  if (classifier) {
    const cls = first("cls_head", "cls.first_token");
    const dense = linear(b, cls, "cls.dense", "classifier.dense", H, H);
    const activated = activation(b, dense, "cls.activated", spec.activation);
    outputs.cls_logits = linear(b, activated, "cls.logits", "classifier.out_proj", H, classifier.numLabels);
  }
}

