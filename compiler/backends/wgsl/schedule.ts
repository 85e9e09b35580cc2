/**
 * IR -> an ordered dispatch list: picks a kernel template per (fused) op,
 * binds tensor views and fills the uniforms with B/L-monomials (`linear` ops
 * in schedule-linear.ts). assemble.ts then assigns intermediate buffers from
 * liveness; the result is a `WgslProgramPlan`.
 */
import type { AttentionOp, DepthwiseConvOp, DynamicConvOp, Graph, Op, Shape } from "../../ir/types.js";
import { neededOps } from "../../passes/graph-utils.js";
import { assemblePlan, type DraftDispatch } from "./assemble.js";
import { FLAGS } from "./flags.js";
import { planFusion, type Fusion } from "./fusion.js";
import { attentionProgram } from "./kernels/attention.js";
import { depthwiseConvProgram } from "./kernels/depthwise-conv.js";
import { dynamicConvProgram } from "./kernels/dynamic-conv.js";
import { elementwiseProgram } from "./kernels/elementwise.js";
import { layerNormProgram } from "./kernels/layer-norm.js";
import type { TermMode } from "./kernels/terms.js";
import type { WeightBuffer, WgslProgramPlan } from "./plan.js";
import { constSize, grid1, type GridDim, type Program, type SizeExpr } from "./program.js";
import { scheduleLinear, type LinearContext } from "./schedule-linear.js";
import { colsOf, denseView, rowsOf, sameSize, times, type DraftRef, type View } from "./views.js";

interface Term {
  mode: TermMode;
  view: View;
  ids?: View;
}

const L_SIZE: SizeExpr = { coef: 1, perB: false, perL: true };
const B_SIZE: SizeExpr = { coef: 1, perB: true, perL: false };
const one = grid1(constSize(1));

export interface CompileOptions {
  /** Graph outputs to compute (default: all). Only these are kept alive and read back. */
  outputs?: readonly string[];
}

export function compileWgsl(graph: Graph, options: CompileOptions = {}): WgslProgramPlan {
  return new Scheduler(graph, options.outputs ?? Object.keys(graph.outputs)).build();
}

class Scheduler implements LinearContext {
  private readonly views = new Map<string, View>();
  private readonly roots = new Map<string, SizeExpr>();
  private readonly drafts: DraftDispatch[] = [];
  private readonly weights = new Map<string, WeightBuffer>();
  readonly fusion: Fusion;
  private readonly ops: Op[];

  constructor(
    private readonly graph: Graph,
    private readonly outputNames: readonly string[],
  ) {
    for (const name of outputNames) if (!(name in graph.outputs)) throw new Error(`no graph output '${name}'`);
    const outputValues = new Set(outputNames.map((n) => graph.outputs[n]));
    this.ops = neededOps(graph.ops, outputValues);
    this.fusion = planFusion(this.ops, outputValues);
  }

  build(): WgslProgramPlan {
    for (const name of ["input_ids", "token_type_ids", "attention_mask"] as const) {
      this.views.set(name, denseView({ kind: "input", name }, 1));
    }
    this.placeConcats();
    for (const op of this.ops) if (!this.fusion.absorbed.has(op.id)) this.schedule(op);
    const outputs = Object.fromEntries(this.outputNames.map((name) => [name, this.viewOf(this.graph.outputs[name])]));
    return assemblePlan({ graph: this.graph, dispatches: this.drafts, roots: this.roots, weights: this.weights, outputs });
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
        return scheduleLinear(this, op);
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

  emit(program: Program, ops: string[], bindings: DraftRef[], uniforms: Record<string, SizeExpr>, grid: [GridDim, GridDim, GridDim]): void {
    if (bindings.length !== program.bindings.length) throw new Error(`${program.cacheKey}: ${bindings.length} buffers for ${program.bindings.length} bindings`);
    this.drafts.push({ program, ops, bindings, uniforms: program.uniforms.map((name) => uniforms[name] ?? constSize(0)), grid });
  }

  shape(v: string): Shape {
    const value = this.graph.values[v];
    if (!value) throw new Error(`unknown value '${v}'`);
    return value.shape;
  }

  viewOf(v: string): View {
    const view = this.views.get(v);
    if (!view) throw new Error(`value '${v}' is read before it is computed`);
    return view;
  }

  setView(v: string, view: View): void {
    this.views.set(v, view);
  }

  addWeight(buffer: WeightBuffer): DraftRef {
    this.weights.set(buffer.name, buffer);
    return { kind: "weight", name: buffer.name };
  }

  /** A checkpoint tensor as is, uploaded once however many kernels read it. */
  private paramView(key: string): View {
    const param = this.graph.params.find((p) => p.key === key);
    if (!param) throw new Error(`unknown parameter '${key}'`);
    if (!this.weights.has(key)) this.addWeight({ name: key, elements: param.shape.reduce((a, b) => a * b, 1), pieces: [{ param: key, dstOffset: 0, transpose: null }] });
    return denseView({ kind: "weight", name: key }, param.shape.at(-1)!);
  }

  /** Where `v` is written: its in-place concat region, or a buffer of its own. */
  outputView(v: string): View {
    return this.views.get(v) ?? this.newRoot(v);
  }

  newRoot(id: string, rows: SizeExpr = rowsOf(this.shape(id)), cols: number = colsOf(this.shape(id))): View {
    this.roots.set(id, times(rows, constSize(cols)));
    const view = denseView({ kind: "root", id }, cols);
    this.views.set(id, view);
    return view;
  }
}
