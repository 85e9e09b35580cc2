/**
 * Text form of the IR, one op a line:
 *   l0.query: f32[B,L,128] = linear(emb.project) w=encoder.layer.0.attention.self.query.weight[128,256] ...
 * Printed by `convspec compile --emit ir` and after each pass with CONVSPEC_DEBUG=ir.
 */
import type { Graph, Op, Shape } from "./types.js";

export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function printIR(graph: Graph): string {
  const paramShapes = new Map(graph.params.map((p) => [p.key, p.shape]));
  const param = (key: string) => `${key}${formatShape(paramShapes.get(key) ?? [])}`;
  const lines: string[] = [`graph "${graph.name}": ${graph.ops.length} ops, ${graph.params.length} parameter tensors`];
  lines.push("inputs:");
  for (const value of Object.values(graph.inputs)) lines.push(`  ${value.id}: ${value.dtype}${formatShape(value.shape)}`);
  let section = "";
  for (const op of graph.ops) {
    const where = op.layer === undefined ? op.part : `layer ${op.layer} / ${op.part}`;
    if (where !== section) {
      section = where;
      lines.push(`# ${where}`);
    }
    const results = op.outputs.map((id) => `${id}: ${graph.values[id].dtype}${formatShape(graph.values[id].shape)}`).join(", ");
    lines.push(`  ${results} = ${op.kind}(${op.inputs.join(", ")})${describeAttrs(op, param)}`);
  }
  lines.push("outputs:");
  for (const [name, id] of Object.entries(graph.outputs)) lines.push(`  ${name} = ${id}`);
  return lines.join("\n");
}

function describeAttrs(op: Op, param: (key: string) => string): string {
  switch (op.kind) {
    case "gather":
    case "positions":
      return ` table=${param(op.table)}`;
    case "layer_norm":
    case "add_layer_norm":
      return ` gamma=${param(op.gamma)} beta=${param(op.beta)} eps=${op.eps}`;
    case "linear": {
      const segments = op.segments.map((s) => `${param(s.weight)}${s.bias ? ` + ${param(s.bias)}` : ""}`).join(" | ");
      const groups = op.groups > 1 ? ` groups=${op.groups}` : "";
      const act = op.activation !== "none" ? ` act=${op.activation}` : "";
      return ` in=${op.inFeatures}${groups}${act} w=${segments}`;
    }
    case "activation":
      return ` fn=${op.fn}`;
    case "slice":
      return ` start=${op.start} size=${op.size}`;
    case "depthwise_conv":
      return ` w=${param(op.weight)} k=${op.kernelSize}${op.maskInput ? " masked" : ""}`;
    case "attention":
      return ` heads=${op.heads} head_size=${op.headSize} scale=${op.scale.toPrecision(6)}`;
    case "dynamic_conv":
      return ` heads=${op.heads} head_size=${op.headSize} k=${op.kernelSize}${op.maskSpan ? " masked" : ""}`;
    case "add":
    case "mul":
    case "concat":
    case "take_first":
      return "";
  }
}
