/**
 * The unit of the cost model: a "kernel" is one dispatch (or one IR op when
 * there is no plan), with its class, FLOPs and the bytes it must move at a
 * concrete (B, L). Two sources:
 * - `kernelsFromGraph`: one kernel per IR op (after the passes), for targets
 *   that run the IR op by op (tfjs, ONNX);
 * - `kernelsFromPlan`: one kernel per WGSL dispatch; a dispatch that computes
 *   several fused ops counts their FLOPs, one dispatch overhead, and only the
 *   bytes crossing its boundary (values it reads or writes, parameters).
 * Bytes are compulsory traffic: every input, output and parameter once
 * (caches and tile re-reads ignored); a gather reads the rows it picks, not
 * its whole table.
 */
import { paramsRead } from "../ir/ops.js";
import type { Graph, Op, Part } from "../ir/types.js";
import type { WgslProgramPlan } from "../backends/wgsl/plan.js";
import { evalSize } from "../backends/wgsl/sizes.js";
import type { KernelClass } from "./devices.js";
import { flopsFormula } from "./flops.js";
import { evaluate, shapeSize } from "../ir/polynomial.js";

export interface Kernel {
  /** The dispatch's kernel name, or the IR op id. */
  name: string;
  class: KernelClass;
  /** Part of the model (of its first op that does arithmetic). */
  part: Part;
  layer?: number;
  /** IR op ids computed. */
  ops: string[];
  flops: number;
  bytes: number;
  /** Workgroups launched, when known (a WGSL dispatch). */
  workgroups?: number;
}

export interface KernelOptions {
  batch: number;
  seqLen: number;
  /** Bytes per stored element: 4 for f32, 2 for f16 storage. */
  bytesPerElement?: number;
}

/** Ops that only re-view their input: no kernel, no traffic. */
const VIEW_OPS = new Set<Op["kind"]>(["slice", "take_first"]);

/** One kernel per IR op that computes or copies. */
export function kernelsFromGraph(graph: Graph, options: KernelOptions): Kernel[] {
  const cost = new GraphCost(graph, options);
  return graph.ops.filter((op) => !VIEW_OPS.has(op.kind)).map((op) => cost.kernel(op.id, [op]));
}

/** One kernel per WGSL dispatch; `graph` is the (optimised) graph the plan was compiled from. */
export function kernelsFromPlan(graph: Graph, plan: WgslProgramPlan, options: KernelOptions): Kernel[] {
  const cost = new GraphCost(graph, options);
  const byId = new Map(graph.ops.map((op) => [op.id, op]));
  return plan.dispatches.map((dispatch) => {
    const ops = dispatch.ops.map((id) => {
      const op = byId.get(id);
      if (!op) throw new Error(`plan dispatch ${dispatch.kernel} computes '${id}', which is not in graph '${graph.name}'`);
      return op;
    });
    const workgroups = dispatch.grid.reduce((n, dim) => n * Math.ceil(evalSize(dim.size, options.batch, options.seqLen) / dim.divisor), 1);
    return { ...cost.kernel(dispatch.kernel, ops), workgroups };
  });
}

/** The class of a group of ops: its most expensive kind of work (a LayerNorm with a projection term is a matmul). */
export function kernelClass(ops: readonly Op[]): KernelClass {
  if (ops.some((op) => op.kind === "linear" || (op.kind === "add_layer_norm" && op.terms.some((t) => t.kind === "linear")))) return "matmul";
  if (ops.some((op) => op.kind === "attention")) return "attention";
  if (ops.some((op) => op.kind === "dynamic_conv" || op.kind === "depthwise_conv")) return "conv";
  return "elementwise";
}

class GraphCost {
  private readonly flopsOf = new Map<string, number>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly outputs: Set<string>;
  private readonly paramSize: Map<string, number>;
  private readonly bytesPerElement: number;

  constructor(
    private readonly graph: Graph,
    private readonly at: KernelOptions,
  ) {
    this.bytesPerElement = at.bytesPerElement ?? 4;
    for (const entry of flopsFormula(graph).perOp) {
      this.flopsOf.set(entry.op, (this.flopsOf.get(entry.op) ?? 0) + evaluate(entry.flops, at));
    }
    for (const op of graph.ops) {
      for (const input of op.inputs) {
        if (!this.readers.has(input)) this.readers.set(input, new Set());
        this.readers.get(input)!.add(op.id);
      }
    }
    this.outputs = new Set(Object.values(graph.outputs));
    this.paramSize = new Map(graph.params.map((p) => [p.key, p.shape.reduce((a, b) => a * b, 1)]));
  }

  kernel(name: string, ops: readonly Op[]): Kernel {
    const ids = new Set(ops.map((op) => op.id));
    const produced = new Set(ops.flatMap((op) => op.outputs));
    const crossing = new Set<string>();
    for (const op of ops) for (const input of op.inputs) if (!produced.has(input)) crossing.add(input);
    for (const value of produced) {
      const readOutside = [...(this.readers.get(value) ?? [])].some((reader) => !ids.has(reader));
      if (readOutside || this.outputs.has(value)) crossing.add(value);
    }
    let elements = 0;
    for (const value of crossing) elements += this.elements(value);
    for (const op of ops) elements += this.paramElements(op);
    const main = ops.find((op) => (this.flopsOf.get(op.id) ?? 0) > 0) ?? ops[0];
    const kernel: Kernel = {
      name,
      class: kernelClass(ops),
      part: main.part,
      ops: ops.map((op) => op.id),
      flops: ops.reduce((sum, op) => sum + (this.flopsOf.get(op.id) ?? 0), 0),
      bytes: elements * this.bytesPerElement,
    };
    if (main.layer !== undefined) kernel.layer = main.layer;
    return kernel;
  }

  private elements(value: string): number {
    return evaluate(shapeSize(this.graph.values[value].shape), this.at);
  }

  /** Parameter elements an op reads (the op table's list, each tensor once): table lookups read only the rows they pick. */
  private paramElements(op: Op): number {
    const lookups = new Set<string>();
    let rows = 0;
    if (op.kind === "gather" || op.kind === "positions") {
      lookups.add(op.table);
      rows += this.elements(op.outputs[0]);
    }
    if (op.kind === "add_layer_norm") {
      for (const t of op.terms) {
        if (t.kind !== "gather" && t.kind !== "positions") continue;
        lookups.add(t.table);
        rows += this.elements(op.outputs[0]);
      }
    }
    // A tied LM head and its embeddings share a weight: each tensor counts once per op.
    const keys = new Set(paramsRead(op).filter((key) => !lookups.has(key)));
    return rows + [...keys].reduce((sum, key) => sum + (this.paramSize.get(key) ?? 0), 0);
  }
}
