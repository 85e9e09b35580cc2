/**
 * Lowering of a `linear` op (with its folded q-gating mul and activation
 * epilogue) to one matmul dispatch, and the packed weight buffers it reads.
 * The scheduler (schedule.ts) supplies views, buffers and `emit`.
 */
import type { LinearOp, Shape } from "../../ir/types.js";
import { FLAGS } from "./flags.js";
import type { Fusion } from "./fusion.js";
import { matmulProgram } from "./kernels/matmul.js";
import type { WeightBuffer } from "./plan.js";
import { constSize, grid1, type GridDim, type Program, type SizeExpr } from "./program.js";
import { rowsOf, vec4Aligned, type DraftRef, type View } from "./views.js";

/** What lowering a linear needs from the scheduler. */
export interface LinearContext {
  readonly fusion: Fusion;
  shape(v: string): Shape;
  viewOf(v: string): View;
  setView(v: string, view: View): void;
  /** Where `v` is written: its in-place concat region, or a buffer of its own. */
  outputView(v: string): View;
  newRoot(id: string, rows?: SizeExpr, cols?: number): View;
  addWeight(buffer: WeightBuffer): DraftRef;
  emit(program: Program, ops: string[], bindings: DraftRef[], uniforms: Record<string, SizeExpr>, grid: [GridDim, GridDim, GridDim]): void;
}

export function scheduleLinear(s: LinearContext, op: LinearOp): void {
  const G = op.groups;
  const K = op.inFeatures / G;
  const N = op.segments.reduce((sum, seg) => sum + seg.outFeatures, 0);
  const gate = s.fusion.gate.get(op.id);
  const a = s.viewOf(gate ? gate[0] : op.inputs[0]);
  const g = gate ? s.viewOf(gate[1]) : null;
  const M = rowsOf(s.shape(gate ? gate[0] : op.inputs[0]));
  const weight = s.addWeight(linearWeight(op, N));
  const biasBuffer = linearBias(op, N);
  const bias = biasBuffer ? s.addWeight(biasBuffer) : null;
  let out: View;
  if (op.segments.length === 1) {
    out = s.outputView(s.fusion.epilogue.get(op.id)?.output ?? op.outputs[0]);
  } else {
    out = s.newRoot(op.outputs.join("+"), rowsOf(s.shape(op.outputs[0])), N);
    let offset = 0;
    op.segments.forEach((seg, i) => {
      s.setView(op.outputs[i], { ...out, offset, cols: seg.outFeatures });
      offset += seg.outFeatures;
    });
  }
  const vec4A = K % 4 === 0 && vec4Aligned(a) && (!g || vec4Aligned(g));
  const program = matmulProgram({ gated: !!g, bias: !!bias, activation: s.fusion.epilogue.get(op.id)?.fn ?? op.activation, vec4A, vec4W: N % 4 === 0 });
  const bindings = [a.buffer, ...(g ? [g.buffer] : []), weight, ...(bias ? [bias] : []), out.buffer];
  const uniforms = { M, K: constSize(K), N: constSize(N / G), a_off: constSize(a.offset), a_stride: a.stride, g_off: constSize(g?.offset ?? 0), g_stride: g?.stride ?? constSize(0), out_off: constSize(out.offset), out_stride: out.stride };
  const ops = [gate ? s.fusion.producer.get(op.inputs[0])?.id : undefined, op.id, epilogueOp(s.fusion, op)].filter((x): x is string => !!x);
  s.emit(program, ops, bindings, uniforms, [grid1(constSize(N / G), FLAGS.matmulTileN), grid1(M, FLAGS.matmulTileM), grid1(constSize(G))]);
}

function epilogueOp(fusion: Fusion, op: LinearOp): string | undefined {
  const fn = fusion.epilogue.get(op.id);
  return fn ? fusion.producer.get(fn.output)?.id : undefined;
}

/** `[in, N]` (segments side by side, transposed from HF `[out, in]`) or the grouped `[G, in/G, out/G]` as is. */
function linearWeight(op: LinearOp, N: number): WeightBuffer {
  const name = `packed/${op.id}/weight`;
  if (op.groups > 1) {
    if (op.segments.length !== 1) throw new Error(`${op.id}: a grouped linear with several segments is not supported`);
    return { name, elements: op.inFeatures * N / op.groups, pieces: [{ param: op.segments[0].weight, dstOffset: 0, transpose: null }] };
  }
  let col = 0;
  const pieces = op.segments.map((seg) => {
    const piece = { param: seg.weight, dstOffset: col, transpose: { rows: seg.outFeatures, cols: op.inFeatures, dstRowStride: N } };
    col += seg.outFeatures;
    return piece;
  });
  return { name, elements: op.inFeatures * N, pieces };
}

/** The segments' biases side by side (`[N]`), or null when no segment has one. */
function linearBias(op: LinearOp, N: number): WeightBuffer | null {
  if (op.segments.every((s) => s.bias === null)) return null;
  let col = 0;
  const pieces = op.segments.flatMap((seg) => {
    const at = col;
    col += seg.outFeatures;
    return seg.bias === null ? [] : [{ param: seg.bias, dstOffset: at, transpose: null }];
  });
  return { name: `packed/${op.id}/bias`, elements: N, pieces };
}
