/**
 * How a tfjs plan forms its ops on each backend: the choices measured to be
 * fastest there (bench/tfjs.ts, docs/bench-tfjs.md), as plain data. The
 * "direct" lowering is each op's literal transcription, what `--opt none`
 * runs: it is the unoptimised baseline the tuned forms are measured against.
 *
 * Measured on wasm (Node, one thread, XNNPACK), CPU time, conv-bert-base:
 * - tfjs-wasm runs a 2-D matMul without transposes on XNNPACK and everything
 *   else (batched, or transposeB) on a scalar loop: attention as batched
 *   matMuls took 227-244 ms per layer at B1 L512, per-head 2-D matMuls with
 *   K transposed once 32-43 ms (5-7x); B1 L128 15.8 vs 5.3-7.4 ms; B8 L128
 *   113-203 vs 146-233 ms (no better, no worse).
 * - One matMul per segment beats one concatenated matMul plus column slices
 *   (q, k, v, conv values at L512: 53 vs 64 ms per layer).
 * - A [512,768]@[768,3072] matMul runs at 19 GFLOP/s, 8 column blocks of 384
 *   at 22 (126 vs 109 ms); [512,3072]@[3072,768] 124 ms, 2 blocks 106 ms.
 * On webgpu (tfjs-backend-webgpu, Mesa llvmpipe), attention B1 L128: batched
 * 64.5 ms, per-head forms 128-145 ms: one dispatch per op wins there. A
 * fused projection split by slices vs one matMul per segment: 1676 vs 1635 ms
 * at [512,768] -> 4x384, 83 vs 81 ms at [128,256] -> 4x128; with split, the
 * whole model ran 0.97-0.99x of --opt none (bench, conv-bert-small): tfjs-webgpu
 * is dispatch-bound there, and per segment is one dispatch fewer and no copies.
 * (Whether one wide matMul wins on a real GPU is for the device bench to show.)
 * tf.fused.matMul fuses linear, relu, relu6, elu, prelu, leakyrelu, sigmoid on
 * every backend; of convspec's activations only relu is among them.
 */
import type { Activation } from "../../spec/model-spec.js";

export type LoweringName = "direct" | "tuned";

export interface TfjsLowering {
  name: LoweringName;
  /** "batched": one batched matMul over (batch, head); "per_head": K transposed once, then 2-D matMuls per (batch row, head). */
  attention: "batched" | "per_head";
  /** A linear with several segments: "split": one matMul over the concatenated weight, then a column slice per segment; "per_segment": one matMul per segment, from its own weight. */
  segments: "split" | "per_segment";
  /** Plain linears with at least this many weights run as column blocks of `blockColumns` (then concatenated); null: never. */
  blockWeights: number | null;
  blockColumns: number;
  /** GELU after a linear: "erf": 0.5·x·(1+erf(x/√2)), five elementwise ops; "erf_prescaled": the weights and bias scaled by 1/√2 at load, so the matMul yields z = x/√2, then z·(1+erf(z))·(1/√2): four. */
  gelu: "erf" | "erf_prescaled";
  /** Activations applied inside tf.fused.matMul. */
  fusedActivations: readonly Activation[];
  /** One line: why these choices, for the plan printout. */
  why: string;
}

const FUSED_BY_TFJS: readonly Activation[] = ["relu"];

export const DIRECT_LOWERING: TfjsLowering = {
  name: "direct",
  attention: "batched",
  segments: "split",
  blockWeights: null,
  blockColumns: 0,
  gelu: "erf",
  fusedActivations: FUSED_BY_TFJS,
  why: "each op as written (--opt none): the baseline",
};

const GPU_LIKE: TfjsLowering = {
  name: "tuned",
  attention: "batched",
  segments: "per_segment",
  blockWeights: null,
  blockColumns: 0,
  gelu: "erf_prescaled",
  fusedActivations: FUSED_BY_TFJS,
  why: "fewest dispatches win: batched attention, one matMul per segment (no slice copies); GELU in four ops",
};

/** The tuned lowering of each backend (TFJS_BACKENDS in plan.ts names them). */
export const TUNED_LOWERINGS = {
  tensorflow: { ...GPU_LIKE, why: "libtensorflow's batched matMuls are native: " + GPU_LIKE.why + " (not measured here: no CUDA)" },
  webgpu: GPU_LIKE,
  wasm: {
    name: "tuned",
    attention: "per_head",
    segments: "per_segment",
    blockWeights: 1 << 21,
    blockColumns: 384,
    gelu: "erf_prescaled",
    fusedActivations: FUSED_BY_TFJS,
    why: "XNNPACK takes only 2-D untransposed matMuls: per-head attention, one matMul per segment, big matMuls in 384-column blocks; GELU in four ops",
  },
  cpu: { ...GPU_LIKE, why: "plain JS kernels: " + GPU_LIKE.why + " (the cpu backend is a fallback, not tuned further)" },
} as const satisfies Record<string, TfjsLowering>;
