/**
 * Activation memory of one forward at a concrete (B, L): the sum of every
 * intermediate (what an executor that never frees would hold) and the peak of
 * live bytes when each value is freed at its last use, in op order.
 * Graph inputs (token ids, mask) and weights are not counted.
 * Fused ops hold scratch that is no IR value: attention's B·heads·L² score
 * matrix, the dynamic conv's B·L·heads·K tap weights. `peakWithScratchBytes`
 * adds it during its op (what an unfused-softmax backend like tfjs holds).
 */
import type { Graph, Op, Value } from "../ir/types.js";
import { liveIntervals } from "../passes/liveness.js";
import { opInfo } from "../ir/ops.js";
import { evaluate, shapeSize, type Polynomial } from "../ir/polynomial.js";

export const BYTES_PER_ELEMENT = 4; // f32 and i32 alike

export interface ActivationMemory {
  /** Sum of all intermediates, bytes. */
  intermediatesBytes: number;
  /** Most bytes live at once under the op order, bytes. */
  peakBytes: number;
  /** The op during which the peak occurs. */
  peakOp: string;
  /** Peak with each op's scratch (attention scores, conv taps) added while it runs. */
  peakWithScratchBytes: number;
}

/** Elements of an op's internal scratch, as a polynomial in B and L (from the op table). */
export function scratchSize(op: Op): Polynomial {
  return opInfo(op).scratch(op);
}

export function valueBytes(value: Value, at: { batch: number; seqLen: number }): number {
  return evaluate(shapeSize(value.shape), at) * BYTES_PER_ELEMENT;
}

export function activationMemory(graph: Graph, outputs: readonly string[], at: { batch: number; seqLen: number }): ActivationMemory {
  const intervals = liveIntervals(graph, outputs);
  // Sweep: +bytes when a value is produced, -bytes after its last use.
  const delta = new Array<number>(graph.ops.length + 1).fill(0);
  let intermediatesBytes = 0;
  for (const { id, def, lastUse } of intervals) {
    const bytes = valueBytes(graph.values[id], at);
    intermediatesBytes += bytes;
    delta[def] += bytes;
    delta[lastUse + 1] -= bytes;
  }
  let live = 0;
  let peakBytes = 0;
  let peakOp = "";
  let peakWithScratchBytes = 0;
  graph.ops.forEach((op, i) => {
    live += delta[i];
    if (live > peakBytes) {
      peakBytes = live;
      peakOp = op.id;
    }
    peakWithScratchBytes = Math.max(peakWithScratchBytes, live + evaluate(scratchSize(op), at) * BYTES_PER_ELEMENT);
  });
  return { intermediatesBytes, peakBytes, peakOp, peakWithScratchBytes };
}
