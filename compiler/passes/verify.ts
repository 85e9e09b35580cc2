/**
 * Well-formedness of an IR graph, checked after every pass: SSA (each value
 * produced once), topological order (inputs defined before use), a values
 * table with exactly the live values, outputs naming existing values, a linear
 * with one output per segment, and every parameter an op reads declared.
 * A failure is a convspec bug, so it throws a plain Error.
 */
import type { Graph } from "../ir/types.js";
import { paramsRead } from "./graph-utils.js";

export function verifyGraph(graph: Graph, after = "lowering"): void {
  const fail = (message: string): never => {
    throw new Error(`IR after ${after} is malformed: ${message}`);
  };
  const defined = new Set(Object.values(graph.inputs).map((v) => v.id));
  const params = new Set(graph.params.map((p) => p.key));
  for (const op of graph.ops) {
    for (const id of op.inputs) if (!defined.has(id)) fail(`op '${op.id}' reads '${id}' before it is defined`);
    for (const id of op.outputs) {
      if (defined.has(id)) fail(`value '${id}' is defined twice`);
      if (!graph.values[id]) fail(`value '${id}' of op '${op.id}' is missing from the values table`);
      defined.add(id);
    }
    if (op.id !== op.outputs[0]) fail(`op '${op.id}' is not named after its first output '${op.outputs[0]}'`);
    if (op.kind === "linear" && op.segments.length !== op.outputs.length) fail(`linear '${op.id}' has ${op.segments.length} segments but ${op.outputs.length} outputs`);
    for (const key of paramsRead(op)) if (!params.has(key)) fail(`op '${op.id}' reads undeclared parameter '${key}'`);
  }
  for (const id of Object.keys(graph.values)) if (!defined.has(id)) fail(`values table holds '${id}', which nothing defines`);
  for (const [name, id] of Object.entries(graph.outputs)) if (!defined.has(id)) fail(`output '${name}' names undefined value '${id}'`);
}
