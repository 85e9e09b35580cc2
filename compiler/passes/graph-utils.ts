/** Small queries and rebuilds over an IR graph, shared by the passes and analyses. */
import { paramsRead } from "../ir/ops.js";
import type { Graph, Op, Value } from "../ir/types.js";

export { resolveOutputs } from "../ir/outputs.js";

/** Value id -> indices of the ops reading it, in op order. */
export function readersOf(ops: readonly Op[]): Map<string, number[]> {
  const readers = new Map<string, number[]>();
  ops.forEach((op, i) => {
    for (const id of new Set(op.inputs)) {
      const list = readers.get(id);
      if (list) list.push(i);
      else readers.set(id, [i]);
    }
  });
  return readers;
}

/** Value id -> index of the op producing it (graph inputs are absent). */
export function producersOf(ops: readonly Op[]): Map<string, number> {
  const producers = new Map<string, number>();
  ops.forEach((op, i) => op.outputs.forEach((id) => producers.set(id, i)));
  return producers;
}

/** Ops that some value in `wanted` depends on, in their original (topological) order. */
export function neededOps(ops: readonly Op[], wanted: Iterable<string>): Op[] {
  const live = new Set(wanted);
  const needed: Op[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    if (!op.outputs.some((id) => live.has(id))) continue;
    needed.push(op);
    for (const id of op.inputs) live.add(id);
  }
  return needed.reverse();
}

/** Value ids that graph outputs name: a pass must never fuse them away. */
export function outputValueIds(graph: Graph): Set<string> {
  return new Set(Object.values(graph.outputs));
}

/**
 * A new graph with `ops`, the values table cut down to inputs plus what the ops
 * produce (no dangling values), and the parameters the ops still read.
 */
export function withOps(graph: Graph, ops: Op[], outputs: Record<string, string> = graph.outputs): Graph {
  const values: Record<string, Value> = {};
  for (const input of Object.values(graph.inputs)) values[input.id] = graph.values[input.id] ?? input;
  for (const op of ops) for (const id of op.outputs) values[id] = graph.values[id];
  const used = new Set(ops.flatMap(paramsRead));
  return { ...graph, ops, values, outputs, params: graph.params.filter((p) => used.has(p.key)) };
}

/** Parameter keys an op reads (from the op table). */
export { paramsRead } from "../ir/ops.js";
