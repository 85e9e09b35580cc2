/**
 * Text form of the IR, one op a line:
 *   l0.query: f32[B,L,128] = linear(emb.project) w=encoder.layer.0.attention.self.query.weight[128,256] ...
 * Printed by `convspec compile --emit ir` and after each pass with CONVSPEC_DEBUG=ir.
 */
import { opInfo } from "./ops.js";
import type { Graph, Shape } from "./types.js";

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
    lines.push(`  ${results} = ${op.kind}(${op.inputs.join(", ")})${opInfo(op).describe(op, param)}`);
  }
  lines.push("outputs:");
  for (const [name, id] of Object.entries(graph.outputs)) lines.push(`  ${name} = ${id}`);
  return lines.join("\n");
}
