/**
 * IR -> an ordered dispatch list: picks a kernel template per (fused) op,
 * binds tensor views, fills the uniforms with B/L-monomials, then assigns
 * intermediate buffers from liveness. The result is a `WgslProgramPlan`.
 */
import type { AttentionOp, DepthwiseConvOp, DynamicConvOp, Graph, LinearOp, Op, Shape } from "../../ir/types.js";
import { FLAGS } from "./flags.js";
import { liveOps, planFusion, type Fusion } from "./fusion.js";
import { attentionProgram } from "./kernels/attention.js";
import { depthwiseConvProgram } from "./kernels/depthwise-conv.js";
import { dynamicConvProgram } from "./kernels/dynamic-conv.js";
import { elementwiseProgram } from "./kernels/elementwise.js";
import { layerNormProgram } from "./kernels/layer-norm.js";
import { matmulProgram } from "./kernels/matmul.js";
import type { TermMode } from "./kernels/terms.js";
import { assignSlots, REFERENCE_SHAPE } from "./memory-plan.js";
import { PLAN_FORMAT, type BufferRef, type KernelSource, type PlanDispatch, type PlanOutput, type WeightBuffer, type WgslProgramPlan } from "./plan.js";
import { constSize, evalSize, kernelName, type GridDim, type Program, type SizeExpr } from "./program.js";
import { colsOf, denseView, rowsOf, sameSize, times, vec4Aligned, type DraftRef, type View } from "./views.js";

interface Term {
  mode: TermMode;
  view: View;
  ids?: View;
}

interface DraftDispatch {
  program: Program;
  ops: string[];
  bindings: DraftRef[];
  uniforms: SizeExpr[];
  grid: [GridDim, GridDim, GridDim];
}

const L_SIZE: SizeExpr = { coef: 1, perB: false, perL: true };
const B_SIZE: SizeExpr = { coef: 1, perB: true, perL: false };
const grid1 = (size: SizeExpr, divisor = 1): GridDim => ({ size, divisor });
const one = grid1(constSize(1));

export interface CompileOptions {
  /** Graph outputs to compute (default: all). Only these are kept alive and read back. */
  outputs?: readonly string[];
}

export function compileWgsl(graph: Graph, options: CompileOptions = {}): WgslProgramPlan {
  return new Scheduler(graph, options.outputs ?? Object.keys(graph.outputs)).build();
}

class Scheduler {
  private readonly views = new Map<string, View>();
  private readonly roots = new Map<string, SizeExpr>();
  private readonly drafts: DraftDispatch[] = [];
  private readonly weights = new Map<string, WeightBuffer>();
  private readonly fusion: Fusion;
  private readonly ops: Op[];

  constructor(
    private readonly graph: Graph,
    private readonly outputNames: readonly string[],
  ) {
    for (const name of outputNames) if (!(name in graph.outputs)) throw new Error(`no graph output '${name}'`);
    this.ops = liveOps(graph, outputNames);
    this.fusion = planFusion(this.ops, new Set(outputNames.map((n) => graph.outputs[n])));
  }

  build(): WgslProgramPlan {
    for (const name of ["input_ids", "token_type_ids", "attention_mask"] as const) {
      this.views.set(name, denseView({ kind: "input", name }, 1));
    }
    this.placeConcats();
    for (const op of this.ops) if (!this.fusion.absorbed.has(op.id)) this.schedule(op);
    return this.finish();
  }

  /** In-place concats: each input's producer writes its columns of the concat buffer. */
  private placeConcats(): void {
    for (const op of this.ops) {
      if (op.kind !== "concat" || !this.fusion.inPlaceConcats.has(op.id)) continue;
      const whole = this.newRoot(op.outputs[0]);
      let offset = 0;
      for (const input of op.inputs) {
        const cols = colsOf(this.shape(input));
        this.views.set(input, { ...whole, offset, cols });
        offset += cols;
      }
    }
  }

  private schedule(op: Op): void {
    switch (op.kind) {
      case "linear":
        return this.linear(op);
      case "layer_norm":
      case "add_layer_norm": {
        const out = op.outputs[0];
        const rows = rowsOf(this.shape(out));
        const terms = op.inputs.flatMap((v) => this.terms(v, rows));
        const program = layerNormProgram(terms.map((t) => t.mode), op.eps);
        const gamma = this.paramView(op.gamma);
        const beta = this.paramView(op.beta);
        return this.rowKernel(program, op, terms, [gamma.buffer, beta.buffer], this.outputView(out), grid1(rows), one);
      }
      case "add":
      case "mul":
      case "activation":
      case "gather":
      case "positions": {
        const out = op.outputs[0];
        const rows = rowsOf(this.shape(out));
        const terms = op.kind === "gather" || op.kind === "positions" ? this.sourceTerms(op) : op.inputs.flatMap((v) => this.terms(v, rows));
        const program = elementwiseProgram(terms.map((t) => t.mode), op.kind === "mul" ? "mul" : "add", op.kind === "activation" ? op.fn : "none");
        const outView = this.outputView(out);
        return this.rowKernel(program, op, terms, [], outView, grid1(constSize(outView.cols), FLAGS.elementwiseWorkgroupSize), grid1(rows));
      }
      case "slice": {
        const src = this.viewOf(op.inputs[0]);
        this.views.set(op.outputs[0], { ...src, offset: src.offset + op.start, cols: op.size });
        return;
      }
      case "take_first": {
        const src = this.viewOf(op.inputs[0]);
        this.views.set(op.outputs[0], { ...src, stride: times(src.stride, L_SIZE) });
        return;
      }
      case "concat":
        if (this.fusion.inPlaceConcats.has(op.id)) return;
        return this.copyConcat(op);
      case "attention":
        return this.attention(op);
      case "depthwise_conv":
        return this.depthwise(op);
      case "dynamic_conv":
        return this.dynamicConv(op);
    }
  }

  private linear(op: LinearOp): void {
    const G = op.groups;
    const K = op.inFeatures / G;
    const N = op.segments.reduce((s, seg) => s + seg.outFeatures, 0);
    const gate = this.fusion.gate.get(op.id);
    const a = this.viewOf(gate ? gate[0] : op.inputs[0]);
    const g = gate ? this.viewOf(gate[1]) : null;
    const M = rowsOf(this.shape(gate ? gate[0] : op.inputs[0]));
    const weight = this.linearWeight(op, N);
    const bias = this.linearBias(op, N);
    let out: View;
    if (op.segments.length === 1) {
      out = this.outputView(this.fusion.epilogue.get(op.id)?.output ?? op.outputs[0]);
    } else {
      out = this.newRoot(op.outputs.join("+"), rowsOf(this.shape(op.outputs[0])), N);
      let offset = 0;
      op.segments.forEach((seg, i) => {
        this.views.set(op.outputs[i], { ...out, offset, cols: seg.outFeatures });
        offset += seg.outFeatures;
      });
    }
    const vec4A = K % 4 === 0 && vec4Aligned(a) && (!g || vec4Aligned(g));
    const program = matmulProgram({ gated: !!g, bias: !!bias, activation: this.fusion.epilogue.get(op.id)?.fn ?? op.activation, vec4A, vec4W: N % 4 === 0 });
    const bindings = [a.buffer, ...(g ? [g.buffer] : []), weight, ...(bias ? [bias] : []), out.buffer];
    const uniforms = { M, K: constSize(K), N: constSize(N / G), a_off: constSize(a.offset), a_stride: a.stride, g_off: constSize(g?.offset ?? 0), g_stride: g?.stride ?? constSize(0), out_off: constSize(out.offset), out_stride: out.stride };
    const ops = [gate ? this.fusion.producer.get(op.inputs[0])?.id : undefined, op.id, this.epilogueOp(op)].filter((x): x is string => !!x);
    this.emit(program, ops, bindings, uniforms, [grid1(constSize(N / G), FLAGS.matmulTileN), grid1(M, FLAGS.matmulTileM), grid1(constSize(G))]);
  }

  private epilogueOp(op: LinearOp): string | undefined {
    const fn = this.fusion.epilogue.get(op.id);
    return fn ? this.fusion.producer.get(fn.output)?.id : undefined;
  }

  /** `[in, N]` (segments side by side, transposed from HF `[out, in]`) or the grouped `[G, in/G, out/G]` as is. */
  private linearWeight(op: LinearOp, N: number): DraftRef {
    const name = `packed/${op.id}/weight`;
    if (op.groups > 1) {
      if (op.segments.length !== 1) throw new Error(`${op.id}: a grouped linear with several segments is not supported`);
      this.weights.set(name, { name, elements: op.inFeatures * N / op.groups, pieces: [{ param: op.segments[0].weight, dstOffset: 0, transpose: null }] });
    } else {
      let col = 0;
      const pieces = op.segments.map((seg) => {
        const piece = { param: seg.weight, dstOffset: col, transpose: { rows: seg.outFeatures, cols: op.inFeatures, dstRowStride: N } };
        col += seg.outFeatures;
        return piece;
      });
      this.weights.set(name, { name, elements: op.inFeatures * N, pieces });
    }
    return { kind: "weight", name };
  }

  private linearBias(op: LinearOp, N: number): DraftRef | null {
    if (op.segments.every((s) => s.bias === null)) return null;
    const name = `packed/${op.id}/bias`;
    let col = 0;
    const pieces = op.segments.flatMap((seg) => {
      const at = col;
      col += seg.outFeatures;
      return seg.bias === null ? [] : [{ param: seg.bias, dstOffset: at, transpose: null }];
    });
    this.weights.set(name, { name, elements: N, pieces });
    return { kind: "weight", name };
  }

  private attention(op: AttentionOp): void {
    const [q, k, v] = op.inputs.slice(0, 3).map((x) => this.viewOf(x));
    const mask = this.viewOf(op.inputs[3]);
    const out = this.outputView(op.outputs[0]);
    const program = attentionProgram(op.headSize, op.scale);
    const uniforms = {
      L: L_SIZE, q_off: constSize(q.offset), q_stride: q.stride, k_off: constSize(k.offset), k_stride: k.stride, v_off: constSize(v.offset), v_stride: v.stride,
      mask_off: constSize(mask.offset), out_off: constSize(out.offset), out_stride: out.stride,
    };
    this.emit(program, [op.id], [q.buffer, k.buffer, v.buffer, mask.buffer, out.buffer], uniforms, [grid1(L_SIZE, FLAGS.attentionQueryTile), grid1(constSize(op.heads)), grid1(B_SIZE)]);
  }

  private depthwise(op: DepthwiseConvOp): void {
    const x = this.viewOf(op.inputs[0]);
    const mask = op.maskInput ? this.viewOf(op.inputs[1]) : null;
    const out = this.outputView(op.outputs[0]);
    const program = depthwiseConvProgram(op.kernelSize, op.maskInput);
    const uniforms = { L: L_SIZE, C: constSize(x.cols), x_off: constSize(x.offset), x_stride: x.stride, mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride };
    const bindings = [x.buffer, this.paramView(op.weight).buffer, ...(mask ? [mask.buffer] : []), out.buffer];
    this.emit(program, [op.id], bindings, uniforms, [grid1(constSize(x.cols), FLAGS.elementwiseWorkgroupSize), grid1(rowsOf(this.shape(op.outputs[0]))), one]);
  }

  private dynamicConv(op: DynamicConvOp): void {
    const [g, v] = [this.viewOf(op.inputs[0]), this.viewOf(op.inputs[1])];
    const mask = op.maskSpan ? this.viewOf(op.inputs[2]) : null;
    const out = this.outputView(op.outputs[0]);
    const C = op.heads * op.headSize;
    const program = dynamicConvProgram(op.headSize, op.kernelSize, op.maskSpan);
    const uniforms = { L: L_SIZE, C: constSize(C), g_off: constSize(g.offset), g_stride: g.stride, u_off: constSize(v.offset), u_stride: v.stride, mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride };
    const bindings = [g.buffer, v.buffer, ...(mask ? [mask.buffer] : []), out.buffer];
    this.emit(program, [op.id], bindings, uniforms, [grid1(constSize(C), FLAGS.elementwiseWorkgroupSize), grid1(rowsOf(this.shape(op.outputs[0]))), one]);
  }

  /** A concat whose inputs could not be written in place: one copy per input. */
  private copyConcat(op: Op): void {
    const whole = this.outputView(op.outputs[0]);
    const rows = rowsOf(this.shape(op.outputs[0]));
    let offset = 0;
    for (const input of op.inputs) {
      const region = { ...whole, offset: whole.offset + offset, cols: colsOf(this.shape(input)) };
      const program = elementwiseProgram(["row"], "add", "none");
      this.rowKernel(program, op, [{ mode: "row", view: this.viewOf(input) }], [], region, grid1(constSize(region.cols), FLAGS.elementwiseWorkgroupSize), grid1(rows));
      offset += region.cols;
    }
  }

  /** Operands of a row kernel reading `v`, expanding adds, gathers and positions folded into it. */
  private terms(v: string, outRows: SizeExpr): Term[] {
    const src = this.fusion.producer.get(v);
    if (src && this.fusion.absorbed.has(src.id)) {
      if (src.kind === "add") return src.inputs.flatMap((x) => this.terms(x, outRows));
      if (src.kind === "gather" || src.kind === "positions") return this.sourceTerms(src);
    }
    const mode = sameSize(rowsOf(this.shape(v)), outRows) ? "row" : "pos";
    return [{ mode, view: this.viewOf(v) }];
  }

  private sourceTerms(op: Op): Term[] {
    if (op.kind === "gather") return [{ mode: "gather", view: this.paramView(op.table), ids: this.viewOf(op.inputs[0]) }];
    if (op.kind === "positions") return [{ mode: "pos", view: this.paramView(op.table) }];
    throw new Error(`${op.id}: not a table lookup`);
  }

  private rowKernel(program: Program, op: Op, terms: Term[], params: DraftRef[], out: View, x: GridDim, y: GridDim): void {
    const uniforms: Record<string, SizeExpr> = { L: L_SIZE, C: constSize(out.cols), out_off: constSize(out.offset), out_stride: out.stride };
    const bindings: DraftRef[] = [];
    terms.forEach((t, i) => {
      bindings.push(t.view.buffer);
      uniforms[`t${i}_off`] = constSize(t.view.offset);
      uniforms[`t${i}_stride`] = t.view.stride;
      if (t.ids) {
        bindings.push(t.ids.buffer);
        uniforms[`t${i}_ids_off`] = constSize(t.ids.offset);
      }
    });
    const absorbed = this.ops.filter((o) => this.fusion.absorbed.has(o.id) && o.outputs.some((v) => this.feeds(v, op))).map((o) => o.id);
    this.emit(program, [...absorbed, op.id], [...bindings, ...params, out.buffer], uniforms, [x, y, one]);
  }

  /** Whether `v` reaches `op` through absorbed ops only. */
  private feeds(v: string, op: Op): boolean {
    return (this.fusion.consumers.get(v) ?? []).some((c) => c === op || (this.fusion.absorbed.has(c.id) && c.outputs.some((o) => this.feeds(o, op))));
  }

  private emit(program: Program, ops: string[], bindings: DraftRef[], uniforms: Record<string, SizeExpr>, grid: [GridDim, GridDim, GridDim]): void {
    if (bindings.length !== program.bindings.length) throw new Error(`${program.cacheKey}: ${bindings.length} buffers for ${program.bindings.length} bindings`);
    this.drafts.push({ program, ops, bindings, uniforms: program.uniforms.map((name) => uniforms[name] ?? constSize(0)), grid });
  }

  private shape(v: string): Shape {
    const value = this.graph.values[v];
    if (!value) throw new Error(`unknown value '${v}'`);
    return value.shape;
  }

  private viewOf(v: string): View {
    const view = this.views.get(v);
    if (!view) throw new Error(`value '${v}' is read before it is computed`);
    return view;
  }

  private paramView(key: string): View {
    if (!this.weights.has(key)) {
      const param = this.graph.params.find((p) => p.key === key);
      if (!param) throw new Error(`unknown parameter '${key}'`);
      this.weights.set(key, { name: key, elements: param.shape.reduce((a, b) => a * b, 1), pieces: [{ param: key, dstOffset: 0, transpose: null }] });
    }
    const cols = this.graph.params.find((p) => p.key === key)!.shape.at(-1)!;
    return denseView({ kind: "weight", name: key }, cols);
  }

  /** Where `v` is written: its in-place concat region, or a buffer of its own. */
  private outputView(v: string): View {
    return this.views.get(v) ?? this.newRoot(v);
  }

  private newRoot(id: string, rows: SizeExpr = rowsOf(this.shape(id)), cols: number = colsOf(this.shape(id))): View {
    this.roots.set(id, times(rows, constSize(cols)));
    const view = denseView({ kind: "root", id }, cols);
    this.views.set(id, view);
    return view;
  }

  private finish(): WgslProgramPlan {
    const kernels = new Map<string, KernelSource>();
    const uses = this.drafts.map((d) => ({
      reads: d.bindings.flatMap((b, i) => (b.kind === "root" && d.program.bindings[i].access === "read" ? [b.id] : [])),
      writes: d.bindings.flatMap((b, i) => (b.kind === "root" && d.program.bindings[i].access === "read_write" ? [b.id] : [])),
    }));
    const outputViews = Object.fromEntries(this.outputNames.map((name) => [name, this.viewOf(this.graph.outputs[name])]));
    const pinned = new Set(Object.values(outputViews).flatMap((v) => (v.buffer.kind === "root" ? [v.buffer.id] : [])));
    const { slotOf, slots } = assignSlots(uses, (r) => this.roots.get(r)!, pinned);
    const ref = (d: DraftRef): BufferRef => (d.kind === "root" ? { kind: "slot", index: slotOf.get(d.id)! } : d);

    const dispatches: PlanDispatch[] = this.drafts.map((d) => {
      const name = kernelName(d.program.cacheKey);
      if (!kernels.has(name)) {
        const code = d.program.getUserCode();
        if (process.env.CONVSPEC_DEBUG?.split(",").includes("kernels")) process.stderr.write(`// ---- kernel ${name} ----\n${code}\n`);
        kernels.set(name, { name, code, workgroupSize: d.program.workgroupSize, storageBindings: d.program.bindings.length, workgroupStorageBytes: d.program.workgroupStorageBytes });
      }
      return { kernel: name, ops: d.ops, bindings: d.bindings.map(ref), uniforms: d.uniforms, grid: d.grid };
    });
    const outputs: Record<string, PlanOutput> = {};
    for (const name of this.outputNames) {
      const v = this.graph.outputs[name];
      const view = outputViews[name];
      outputs[name] = { buffer: ref(view.buffer), offset: view.offset, rowStride: view.stride, rows: rowsOf(this.shape(v)), cols: view.cols, shape: [...this.shape(v)] };
    }
    const bytes = (e: SizeExpr) => 4 * evalSize(e, REFERENCE_SHAPE.B, REFERENCE_SHAPE.L);
    return {
      format: PLAN_FORMAT,
      model: this.graph.name,
      kernels: [...kernels.values()],
      weights: [...this.weights.values()],
      slots: slots.map((sizes) => ({ sizes: dedupe(sizes) })),
      dispatches,
      outputs,
      memory: {
        reference: REFERENCE_SHAPE,
        arenaBytes: slots.reduce((s, sizes) => s + Math.max(...sizes.map(bytes)), 0),
        intermediateBytes: [...this.roots.values()].reduce((s, e) => s + bytes(e), 0),
      },
    };
  }
}

function dedupe(sizes: SizeExpr[]): SizeExpr[] {
  return sizes.filter((s, i) => sizes.findIndex((t) => sameSize(s, t)) === i);
}
