/**
 * Accumulates an ONNX graph while the ops are lowered: nodes, small constant
 * initializers (shared by content), weight initializer layouts (shared by
 * name), and values computed once per graph (the attention-mask bias).
 *
 * Naming: an IR value keeps its id as its ONNX name; a node's internal values
 * are `<IR value id>:<what>`, so any ONNX value leads back to the IR.
 */
import type { Graph, Param } from "../../ir/types.js";
import type { InitializerLayout } from "./artifact.js";
import type { OnnxCompileOptions } from "./options.js";
import { attributeProto, FLOAT, INT64, MS_DOMAIN, onnxSchema, type Attribute, type OnnxTypes } from "./proto.js";

export class OnnxBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly constants: OnnxTypes.ITensorProto[] = [];
  readonly weights = new Map<string, InitializerLayout>();
  usesContrib = false;
  private readonly shared = new Map<string, string>();
  private readonly names = new Set<string>();
  private readonly params: Map<string, Param>;

  constructor(
    readonly graph: Graph,
    readonly options: OnnxCompileOptions,
  ) {
    this.params = new Map(graph.params.map((p) => [p.key, p]));
  }

  /** Adds a node in the standard domain; returns its first output. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.addNode(opType, "", inputs, outputs, attributes);
  }

  /** Adds an ONNX Runtime contrib node (com.microsoft). */
  contribNode(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    this.usesContrib = true;
    return this.addNode(opType, MS_DOMAIN, inputs, outputs, attributes);
  }

  /** A fresh internal name derived from an IR value id: `<base>:<what>`, numbered if taken. */
  name(base: string, what: string): string {
    let name = `${base}:${what}`;
    for (let i = 2; this.names.has(name); i++) name = `${base}:${what}${i}`;
    this.names.add(name);
    return name;
  }

  /** An int64 vector constant (shapes, axes, slice bounds), shared by content. */
  int64s(values: readonly number[]): string {
    return this.constant(`const:i64:[${values.join(",")}]`, { dims: [values.length], dataType: INT64, int64Data: [...values] });
  }

  /** An int64 scalar constant (a Gather index). */
  int64Scalar(value: number): string {
    return this.constant(`const:i64:${value}`, { dims: [], dataType: INT64, int64Data: [value] });
  }

  /** A float32 scalar constant, shared by value. */
  float(value: number): string {
    return this.constant(`const:f32:${Math.fround(value)}`, { dims: [], dataType: FLOAT, floatData: [value] });
  }

  /** The rank of an IR value, or of an internal value derived from one (`<id>:<what>` keeps its id's rank). */
  rankOf(name: string): number {
    const value = this.graph.values[name] ?? this.graph.values[name.slice(0, name.indexOf(":"))];
    if (!value) throw new Error(`onnx: no IR value behind '${name}'`);
    return value.shape.length;
  }

  /** The HF shape of parameter `key`. */
  paramShape(key: string): number[] {
    const param = this.params.get(key);
    if (!param) throw new Error(`onnx: '${key}' is not a parameter of graph '${this.graph.name}'`);
    return [...param.shape];
  }

  /** A parameter used exactly as stored (tables, LayerNorm gamma/beta, the depthwise filter). */
  paramAsIs(key: string): string {
    return this.weight({ name: key, dims: this.paramShape(key), source: { kind: "as_is", key } });
  }

  /** Declares a weight initializer (built from the checkpoint later); the same name twice is one initializer. */
  weight(layout: InitializerLayout): string {
    const known = this.weights.get(layout.name);
    if (known && known.dims.join(",") !== layout.dims.join(",")) {
      throw new Error(`onnx: initializer '${layout.name}' declared as [${known.dims}] and [${layout.dims}]`);
    }
    if (!known) {
      this.weights.set(layout.name, layout);
      this.names.add(layout.name);
    }
    return layout.name;
  }

  /** A value built once per graph under `key` (e.g. the attention-mask bias every layer adds). */
  once(key: string, build: () => string): string {
    let name = this.shared.get(key);
    if (name === undefined) this.shared.set(key, (name = build()));
    return name;
  }

  private constant(name: string, tensor: OnnxTypes.ITensorProto): string {
    // The name spells the content, so an equal constant is the same initializer.
    if (this.names.has(name)) return name;
    this.constants.push({ ...tensor, name });
    this.names.add(name);
    return name;
  }

  private addNode(opType: string, domain: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, Attribute>): string {
    for (const output of outputs) this.names.add(output);
    this.nodes.push(
      onnxSchema().NodeProto.create({
        name: `${outputs[0]}#${opType}`,
        opType,
        domain,
        input: [...inputs],
        output: [...outputs],
        attribute: Object.entries(attributes).map(([name, a]) => attributeProto(name, a)),
      }),
    );
    return outputs[0];
  }
}
