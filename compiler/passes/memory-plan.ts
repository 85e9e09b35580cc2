/**
 * Static memory plan: every intermediate gets a byte offset in one arena, and
 * values whose lifetimes do not overlap share bytes. Greedy by size (largest
 * first, each into the best-fitting gap among the time-overlapping values
 * already placed), as TFLite's arena planner does. Offsets are 256-byte
 * aligned: WebGPU's minStorageBufferOffsetAlignment.
 */
import type { Graph } from "../ir/types.js";
import { valueBytes } from "../analysis/memory.js";
import { liveIntervals, overlaps, type LiveInterval } from "./liveness.js";

export const ARENA_ALIGNMENT = 256;

export interface BufferSlot extends LiveInterval {
  /** Byte offset in the arena, a multiple of ARENA_ALIGNMENT. */
  offset: number;
  /** Bytes the value needs (unpadded). */
  bytes: number;
}

export interface MemoryPlan {
  /** Value id -> its slot. */
  slots: Map<string, BufferSlot>;
  /** Size of the arena holding every intermediate. */
  arenaBytes: number;
  /** Sum of all intermediates: the arena size without reuse. */
  intermediatesBytes: number;
}

const align = (bytes: number) => Math.ceil(bytes / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

export function planMemory(graph: Graph, outputs: readonly string[], at: { batch: number; seqLen: number }): MemoryPlan {
  const intervals = liveIntervals(graph, outputs).map((interval) => ({ ...interval, bytes: valueBytes(graph.values[interval.id], at) }));
  // Largest first; ties in op order, so the plan is deterministic.
  const order = [...intervals].sort((a, b) => b.bytes - a.bytes || a.def - b.def);
  const placed: BufferSlot[] = [];
  for (const value of order) {
    const offset = bestFitOffset(placed.filter((other) => overlaps(other, value)), align(value.bytes));
    placed.push({ ...value, offset });
  }
  const slots = new Map(placed.map((slot) => [slot.id, slot]));
  return {
    slots,
    arenaBytes: placed.reduce((end, s) => Math.max(end, s.offset + align(s.bytes)), 0),
    intermediatesBytes: intervals.reduce((sum, v) => sum + v.bytes, 0),
  };
}

/** The smallest gap between `busy` slots that holds `size` bytes, else the end. */
function bestFitOffset(busy: BufferSlot[], size: number): number {
  busy.sort((a, b) => a.offset - b.offset);
  let best = -1;
  let bestGap = Infinity;
  let cursor = 0;
  for (const slot of busy) {
    const gap = slot.offset - cursor;
    if (gap >= size && gap < bestGap) {
      best = cursor;
      bestGap = gap;
    }
    cursor = Math.max(cursor, slot.offset + align(slot.bytes));
  }
  return best >= 0 ? best : cursor;
}
