/**
 * IR -> an ordered dispatch list. The scheduler walks the ops a request
 * needs in order, asks each op kind's lowering (lowering.ts -> kernels/) for
 * its dispatches, and records where every value lives (tensor views). The
 * only layout decision it makes itself: a concat whose inputs all come
 * straight from kernels that can write a column range gets one buffer, and
 * its producers write their columns in place. assemble.ts then assigns
 * buffers to slots; the result is a `WgslProgramPlan`.
 */
import type { ConcatOp, Graph, Op, Shape } from "../../ir/types.js";
import { neededOps, readersOf, resolveOutputs } from "../../passes/graph-utils.js";
import type { DraftDispatch, ScheduledGraph } from "./assemble.js";
import type { LoweringContext } from "./context.js";
import { loweringOf } from "./lowering.js";
import type { WgslFlags } from "./flags.js";
import type { WeightBuffer, WgslFeature } from "./plan.js";
import { checkDispatch, type KernelDispatch } from "./program.js";
import { times, constSize, type SizeExpr } from "./sizes.js";
import { colsOf, denseView, rowsOf, type DraftRef, type View } from "./views.js";

export interface ScheduleOptions {
  flags: WgslFlags;
  /** The shape tile choices are made for. */
  reference: { B: number; L: number };
  /** Optional features the adapter offers (the plan uses what it can and records it). */
  available: ReadonlySet<WgslFeature>;
}

export function scheduleGraph(graph: Graph, outputNames: readonly string[], options: ScheduleOptions): ScheduledGraph {
  return new Scheduler(graph, outputNames, options).run();
}

class Scheduler implements LoweringContext {
  private readonly views = new Map<string, View>();
  private readonly roots = new Map<string, SizeExpr>();
  private readonly drafts: DraftDispatch[] = [];
  private readonly weights = new Map<string, WeightBuffer>();
  private readonly inPlaceConcats = new Set<string>();
  private readonly ops: Op[];
  private readonly outputValues: ReadonlySet<string>;
  private readonly used = new Set<WgslFeature>();
  readonly flags: WgslFlags;
  readonly reference: { B: number; L: number };

  constructor(
    private readonly graph: Graph,
    private readonly outputNames: readonly string[],
    private readonly options: ScheduleOptions,
  ) {
    this.outputValues = new Set(resolveOutputs(graph, outputNames));
    this.ops = neededOps(graph.ops, this.outputValues);
    this.flags = options.flags;
    this.reference = options.reference;
  }

  useFeature(feature: WgslFeature): boolean {
    if (feature === "subgroups" && !this.flags.useSubgroups) return false;
    if (!this.options.available.has(feature)) return false;
    this.used.add(feature);
    return true;
  }

  run(): ScheduledGraph {
    for (const name of ["input_ids", "token_type_ids", "attention_mask"] as const) this.views.set(name, denseView({ kind: "input", name }, 1));
    this.placeConcats();
    for (const op of this.ops) loweringOf(op).lower(op, this);
    const outputs: Record<string, View> = Object.create(null);
    for (const name of this.outputNames) outputs[name] = this.viewOf(this.graph.outputs[name]);
    return { graph: this.graph, dispatches: this.drafts, roots: this.roots, weights: this.weights, outputs, features: [...this.used].sort() };
  }

  /** Concats whose every input is read only by them and written by a kernel able to write a column range. */
  private placeConcats(): void {
    const readers = readersOf(this.ops);
    const producer = new Map<string, Op>();
    for (const op of this.ops) for (const v of op.outputs) producer.set(v, op);
    const writesRegion = (v: string, concat: Op): boolean => {
      const src = producer.get(v);
      return !!src && !this.outputValues.has(v) && readers.get(v)?.length === 1 && this.ops[readers.get(v)![0]] === concat && loweringOf(src).writesView(src);
    };
    for (const op of this.ops) {
      if (op.kind !== "concat" || !op.inputs.every((v) => writesRegion(v, op))) continue;
      const whole = this.newRoot(op.outputs[0]);
      let offset = 0;
      for (const input of op.inputs) {
        const cols = colsOf(this.shape(input));
        this.views.set(input, { ...whole, offset, cols });
        offset += cols;
      }
      this.inPlaceConcats.add(op.id);
    }
  }

  concatInPlace(op: ConcatOp): boolean {
    return this.inPlaceConcats.has(op.id);
  }

  dispatch<U extends string>(op: Op, run: KernelDispatch<U>): void {
    checkDispatch(run);
    const { program } = run;
    this.drafts.push({ program, ops: [op.id], bindings: run.bindings, uniforms: program.uniforms.map((name) => run.uniforms[name]), grid: run.grid, choice: run.choice });
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

  paramView(key: string): View {
    const param = this.graph.params.find((p) => p.key === key);
    if (!param) throw new Error(`unknown parameter '${key}'`);
    if (!this.weights.has(key)) this.addWeight({ name: key, elements: param.shape.reduce((a, b) => a * b, 1), pieces: [{ param: key, dstOffset: 0, transpose: null }] });
    return denseView({ kind: "weight", name: key }, param.shape.at(-1)!);
  }

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
