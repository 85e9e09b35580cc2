/**
 * A small helper for building IR graphs: names values and ops, records
 * parameters once, and keeps ops in the order they are added (topological by
 * construction). Used by the lowering and by tests that build small graphs
 * (passes rebuild graphs with `withOps` in passes/graph-utils.ts).
 */
import type { DType, Op, Param, ParamInit, Part, Shape, Value } from "./types.js";

/** An op as the builder takes it: without id/outputs/part/layer, which the builder fills in. */
type OpSpec<O extends Op> = Omit<O, "id" | "outputs" | "part" | "layer">;

export class GraphBuilder {
  readonly values: Record<string, Value> = {};
  readonly ops: Op[] = [];
  readonly params: Param[] = [];
  private readonly paramKeys = new Set<string>();
  /** Where new ops and params are attributed (for analysis). */
  part: Part = "embeddings";
  layer: number | undefined = undefined;

  addValue(id: string, shape: Shape, dtype: DType = "f32"): string {
    if (this.values[id]) throw new Error(`IR builder: value '${id}' defined twice`);
    this.values[id] = { id, shape, dtype };
    return id;
  }

  /** Declares a parameter (HF key without `convbert.`) and returns its key. */
  param(key: string, shape: number[], init: ParamInit): string {
    if (this.paramKeys.has(key)) throw new Error(`IR builder: parameter '${key}' declared twice`);
    this.paramKeys.add(key);
    const param: Param = { key, shape, init, part: this.part };
    if (this.layer !== undefined) param.layer = this.layer;
    this.params.push(param);
    return key;
  }

  /** Appends an op producing one new value `output` of `shape`; returns the value id. */
  op<O extends Op>(spec: OpSpec<O>, output: string, shape: Shape, dtype: DType = "f32"): string {
    this.addValue(output, shape, dtype);
    this.push({ ...spec, outputs: [output] } as unknown as OpSpec<O> & { outputs: string[] });
    return output;
  }

  /** Appends an op whose outputs were already added with `addValue`. */
  push<O extends Op>(spec: OpSpec<O> & { outputs: string[] }): O {
    for (const input of spec.inputs) {
      if (!this.values[input]) throw new Error(`IR builder: op reads undefined value '${input}'`);
    }
    const op = { ...spec, id: spec.outputs[0], part: this.part } as unknown as O;
    if (this.layer !== undefined) op.layer = this.layer;
    this.ops.push(op);
    return op;
  }
}
