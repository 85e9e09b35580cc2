/**
 * The tensor-graph IR: what every backend consumes and every pass rewrites.
 *
 * - Values are SSA: each is produced by exactly one op (or is a graph input).
 * - Shapes are over the symbolic batch `B` and sequence length `L`.
 * - Parameters are named by their Hugging Face state-dict key, without the
 *   `convbert.` prefix, with the HF shape. A backend lays them out (transposes,
 *   concatenations) once at load time.
 * - `ops` is in topological order; passes keep it so.
 */
import type { ModelSpec, Activation } from "../spec/model-spec.js";

export type Dim = number | "B" | "L";
export type Shape = readonly Dim[];
export type DType = "f32" | "i32";

export interface Value {
  id: string;
  shape: Shape;
  dtype: DType;
}

/** Which part of the architecture an op or parameter belongs to (for analysis). */
export type Part =
  | "embeddings"
  | "self_attention"
  | "span_conv"
  | "attention_output"
  | "ffn"
  | "pooler"
  | "mlm_head"
  | "cls_head";

export type ParamInit = "normal" | "zeros" | "ones";

export interface Param {
  /** HF state-dict key without the `convbert.` prefix, e.g. `encoder.layer.0.attention.self.query.weight`. */
  key: string;
  /** Shape as stored in the HF checkpoint. */
  shape: number[];
  init: ParamInit;
  part: Part;
  layer?: number;
}
// A tied LM head has no parameter of its own: its linear reads
// `embeddings.word_embeddings.weight` directly, so it is never counted twice
// and a checkpoint's `generator_lm_head.weight` (a copy) is ignored.

/** Fields every op has. */
interface OpCommon {
  id: string;
  inputs: string[];
  outputs: string[];
  part: Part;
  layer?: number;
}

/** rows of `table` picked by integer `inputs[0]` ([B,L] -> [B,L,E]). */
export interface GatherOp extends OpCommon {
  kind: "gather";
  table: string;
}

/** rows 0..L-1 of `table` ([L,E]): position embeddings. No inputs. */
export interface PositionsOp extends OpCommon {
  kind: "positions";
  table: string;
}

/** Elementwise sum with trailing-axis broadcasting ([B,L,E] + [L,E]). */
export interface AddOp extends OpCommon {
  kind: "add";
}

/** Elementwise product of two equal shapes. */
export interface MulOp extends OpCommon {
  kind: "mul";
}

/** LayerNorm over the last axis. */
export interface LayerNormOp extends OpCommon {
  kind: "layer_norm";
  gamma: string;
  beta: string;
  eps: number;
}

/**
 * One summand of `add_layer_norm`:
 * - `value`: inputs[input] itself ([B,L,C], or [L,C] broadcast over B);
 * - `gather`: rows of `table` picked by the integer ids inputs[ids] ([B,L]);
 * - `positions`: rows 0..L-1 of `table`, broadcast over B (reads no input);
 * - `linear`: inputs[input] @ weight + bias (one segment, groups as in
 *   LinearOp), the projection feeding a residual LayerNorm folded in.
 */
export type SumTerm =
  | { kind: "value"; input: number }
  | { kind: "gather"; table: string; ids: number }
  | { kind: "positions"; table: string }
  | { kind: "linear"; input: number; weight: string; bias: string | null; inFeatures: number; groups: number };

/**
 * LayerNorm of a sum: LN(Σ terms). Produced by fusion: the residual add +
 * LayerNorm (two `value` terms) and the whole embeddings block (word gather
 * + positions + token-type gather) are each one op.
 */
export interface AddLayerNormOp extends OpCommon {
  kind: "add_layer_norm";
  terms: SumTerm[];
  gamma: string;
  beta: string;
  eps: number;
}

/**
 * How a linear segment's left operand is formed from the op's inputs:
 * - `input`: inputs[0] itself;
 * - `gated`: inputs[0] ⊙ inputs[gate] (q-gating, folded in by fusion);
 * - `depthwise_conv`: the depthwise conv of inputs[0] over the sequence
 *   (see DepthwiseConvOp; `weight` [C,1,K]), positions whose inputs[mask]
 *   is 0 reading as zero when `mask` is set (the span key's separable conv,
 *   folded in by fusion).
 * Fused operands are never stored: a backend computes them as it loads.
 */
export type LinearOperand =
  | { kind: "input" }
  | { kind: "gated"; gate: number }
  | { kind: "depthwise_conv"; weight: string; kernelSize: number; mask: number | null };

/**
 * One output segment of a linear: `operand @ weight + bias`.
 * Weight layout: groups == 1 -> HF `[out, in]` (a trailing 1 allowed, as the
 * pointwise conv `[out, in, 1]`); groups > 1 -> `[G, in/G, out/G]` (HF grouped
 * linear, not transposed). Bias is `[out]` (or `[out, 1]`), or absent.
 */
export interface LinearSegment {
  weight: string;
  bias: string | null;
  outFeatures: number;
  operand: LinearOperand;
}

/**
 * `y_i = act(operand_i @ W_i + b_i)` for each segment i, one output per
 * segment. A plain lowering has one segment reading inputs[0]; projection
 * fusion concatenates segments that read the same input (one matmul,
 * several outputs), and fusion may fold a gate or a depthwise conv into a
 * segment's operand.
 */
export interface LinearOp extends OpCommon {
  kind: "linear";
  inFeatures: number;
  groups: number;
  segments: LinearSegment[];
  activation: Activation | "none";
}

/** Standalone activation; fusion folds it into the producing linear. */
export interface ActivationOp extends OpCommon {
  kind: "activation";
  fn: Activation;
}

/** `x[..., start:start+size]` on the last axis. */
export interface SliceOp extends OpCommon {
  kind: "slice";
  start: number;
  size: number;
}

/** Concatenate on the last axis, inputs in order. */
export interface ConcatOp extends OpCommon {
  kind: "concat";
}

/**
 * Depthwise conv over the sequence axis: `s[b,l,c] = Σ_t w[c,0,t] x[b,l+t-K//2,c]`,
 * zero outside 0..L-1, no bias. With `maskInput`, positions whose
 * attention_mask (inputs[1]) is 0 read as zero.
 */
export interface DepthwiseConvOp extends OpCommon {
  kind: "depthwise_conv";
  weight: string;
  kernelSize: number;
  maskInput: boolean;
}

/**
 * Softmax attention per head: inputs q, k, v ([B,L,heads*headSize]) and
 * attention_mask ([B,L], 1 keep / 0 pad, added as MASKED_SCORE).
 * Output [B,L,heads*headSize], heads concatenated in order.
 */
/** The additive score of a padded key: HF's torch.finfo(float32).min, so it gets exactly zero weight. */
export const MASKED_SCORE = -3.4028234663852886e38;

export interface AttentionOp extends OpCommon {
  kind: "attention";
  heads: number;
  headSize: number;
  scale: number;
}

/**
 * Span-based dynamic (lightweight) convolution: inputs kernel logits g
 * [B,L,heads*K] and values u [B,L,heads*headSize] (+ attention_mask, the
 * last input, when `maskSpan`). `w = softmax_t(g[b,l,h*K+t])`,
 * `out[b,l,h*d+j] = Σ_t w[b,l,h,t] u[b,l+t-(K-1)/2,h*d+j]`, zero outside.
 */
export interface DynamicConvOp extends OpCommon {
  kind: "dynamic_conv";
  heads: number;
  headSize: number;
  kernelSize: number;
  maskSpan: boolean;
  /**
   * Set when fusion folded the kernel-logits linear in: the inputs are then
   * [a, gate, u (+ mask)] and g = (a ⊙ gate) @ weight + bias ([heads*K, in]
   * HF layout) is computed in the op, never stored.
   */
  logits: { weight: string; bias: string | null; inFeatures: number } | null;
}

/** `x[:, 0, :]`: the first token ([B,L,H] -> [B,H]). */
export interface TakeFirstOp extends OpCommon {
  kind: "take_first";
}

export type Op =
  | GatherOp
  | PositionsOp
  | AddOp
  | MulOp
  | LayerNormOp
  | AddLayerNormOp
  | LinearOp
  | ActivationOp
  | SliceOp
  | ConcatOp
  | DepthwiseConvOp
  | AttentionOp
  | DynamicConvOp
  | TakeFirstOp;

export type OpKind = Op["kind"];

/** The op interface of one kind: `OpOf<"linear">` is `LinearOp`. */
export type OpOf<K extends OpKind> = Extract<Op, { kind: K }>;

/** For the `default` of a switch over op kinds: a new kind is a compile error there. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** What a model's inputs must respect: token ids below the vocabulary, token types below the type vocabulary, at most maxPositions long. */
export interface InputLimits {
  vocabSize: number;
  typeVocabSize: number;
  maxPositions: number;
}

export function inputLimits(spec: ModelSpec): InputLimits {
  const { vocabSize, typeVocabSize, maxPositions } = spec;
  return { vocabSize, typeVocabSize, maxPositions };
}

/** Names of the graph inputs, as in the `run` contract. */
export const INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export interface Graph {
  name: string;
  spec: ModelSpec;
  /** input_ids, token_type_ids: i32 [B,L]; attention_mask: f32 [B,L]. Value id == input name. */
  inputs: Record<InputName, Value>;
  params: Param[];
  values: Record<string, Value>;
  ops: Op[];
  /**
   * Output name -> value id: `hidden_states.<i>` (0 = embeddings after the
   * projection), `last_hidden_state`, and `mlm_logits` / `cls_logits` /
   * `pooler_output` when the spec has those heads.
   */
  outputs: Record<string, string>;
}
