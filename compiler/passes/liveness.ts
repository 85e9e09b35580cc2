/**
 * Liveness over the op order: when each value is read for the last time.
 * The tfjs executor frees an intermediate right after that op; the memory
 * planner reuses its bytes from the next op on.
 */
import type { Graph } from "../ir/types.js";
import { producersOf, resolveOutputs } from "./graph-utils.js";

/**
 * Value id -> index of the last op reading it. Requested outputs live to the
 * end (`graph.ops.length`, past the last op). A value nobody reads dies at the
 * op producing it. Graph inputs appear only when some op reads them.
 */
export function lastUses(graph: Graph, outputs: readonly string[]): Map<string, number> {
  const last = new Map<string, number>();
  producersOf(graph.ops).forEach((index, id) => last.set(id, index));
  graph.ops.forEach((op, i) => op.inputs.forEach((id) => last.set(id, i)));
  for (const id of resolveOutputs(graph, outputs)) last.set(id, graph.ops.length);
  return last;
}

/** One intermediate's lifetime: live from op `def` through op `lastUse` inclusive. */
export interface LiveInterval {
  id: string;
  def: number;
  lastUse: number;
}

/** Lifetimes of every op-produced value (graph inputs are the caller's). */
export function liveIntervals(graph: Graph, outputs: readonly string[]): LiveInterval[] {
  const last = lastUses(graph, outputs);
  const intervals: LiveInterval[] = [];
  graph.ops.forEach((op, def) => {
    for (const id of op.outputs) intervals.push({ id, def, lastUse: Math.min(last.get(id) ?? def, graph.ops.length - 1) });
  });
  return intervals;
}

export function overlaps(a: LiveInterval, b: LiveInterval): boolean {
  return a.def <= b.lastUse && b.def <= a.lastUse;
}
