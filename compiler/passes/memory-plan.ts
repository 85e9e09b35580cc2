/**
 * The memory planner: liveness-based reuse of buffers, over any sequence of
 * steps (IR ops, WGSL dispatches). A buffer takes a free slot when it is
 * first written and gives the slot back after its last read, so a 12-layer
 * model needs a handful of slots, not hundreds. Pinned buffers (graph
 * outputs) are never given back. A step's writes are placed before its reads
 * are released, so no step reads and writes the same slot (WebGPU forbids it).
 *
 * Sizes stay the caller's (symbolic in B and L for the WGSL target): the
 * planner only needs each buffer's bytes at one reference shape to choose;
 * a slot's size is the largest of its members at whatever shape runs.
 */

/** What one step does to buffers, by buffer id. */
export interface BufferUse {
  reads: readonly string[];
  writes: readonly string[];
}

export interface SlotAssignment {
  /** Buffer id -> slot index. */
  slotOf: Map<string, number>;
  /** Slot index -> the buffers placed in it, in placement order. */
  members: string[][];
}

/** The shape at which buffer sizes are compared when choosing a slot. */
export const REFERENCE_SHAPE = { B: 1, L: 128 } as const;

export function assignSlots(steps: readonly BufferUse[], bytesOf: (id: string) => number, pinned: ReadonlySet<string>): SlotAssignment {
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) => [...step.reads, ...step.writes].forEach((id) => lastUse.set(id, i)));
  const slotOf = new Map<string, number>();
  const members: string[][] = [];
  const slotBytes: number[] = [];
  const free: number[] = [];

  steps.forEach((step, i) => {
    for (const id of step.writes) {
      if (slotOf.has(id)) continue;
      const need = bytesOf(id);
      // Best fit among free slots big enough, else the biggest free one (it grows), else a new slot.
      const fitting = free.filter((s) => slotBytes[s] >= need).sort((a, b) => slotBytes[a] - slotBytes[b]);
      const pick = fitting[0] ?? [...free].sort((a, b) => slotBytes[b] - slotBytes[a])[0];
      let slot: number;
      if (pick === undefined) {
        slot = members.push([]) - 1;
        slotBytes.push(0);
      } else {
        slot = pick;
        free.splice(free.indexOf(pick), 1);
      }
      members[slot].push(id);
      slotBytes[slot] = Math.max(slotBytes[slot], need);
      slotOf.set(id, slot);
    }
    for (const id of new Set([...step.reads, ...step.writes])) {
      if (lastUse.get(id) === i && !pinned.has(id) && slotOf.has(id)) free.push(slotOf.get(id)!);
    }
  });
  return { slotOf, members };
}
