/**
 * Liveness-based slot assignment for intermediate tensors: a tensor takes a
 * free slot when first written and gives it back after its last read, so a
 * 12-layer model needs a handful of buffers, not hundreds. Graph outputs are
 * never freed. A dispatch's outputs are placed before its inputs are freed,
 * so no kernel reads and writes the same buffer (WebGPU forbids that).
 * Unlike compiler/passes/memory-plan.ts (byte offsets at one fixed B, L), slot
 * sizes stay symbolic in B and L, so a new shape grows buffers without re-planning.
 */
import { evalSize, type SizeExpr } from "./program.js";

export interface StorageUse {
  reads: string[];
  writes: string[];
}

export interface SlotAssignment {
  slotOf: Map<string, number>;
  slots: SizeExpr[][];
}

/** Shape at which "bigger" is judged when picking a free slot. */
export const REFERENCE_SHAPE = { B: 1, L: 128 };

export function assignSlots(uses: StorageUse[], sizeOf: (root: string) => SizeExpr, pinned: ReadonlySet<string>): SlotAssignment {
  const lastUse = new Map<string, number>();
  uses.forEach((use, i) => [...use.reads, ...use.writes].forEach((r) => lastUse.set(r, i)));
  const bytes = (e: SizeExpr) => evalSize(e, REFERENCE_SHAPE.B, REFERENCE_SHAPE.L);
  const slotOf = new Map<string, number>();
  const slots: SizeExpr[][] = [];
  const free: number[] = [];
  const slotBytes = (s: number) => Math.max(...slots[s].map(bytes));

  uses.forEach((use, i) => {
    for (const root of use.writes) {
      if (slotOf.has(root)) continue;
      const need = bytes(sizeOf(root));
      // Best fit among free slots big enough, else the biggest free one (it grows), else a new slot.
      const fitting = free.filter((s) => slotBytes(s) >= need).sort((a, b) => slotBytes(a) - slotBytes(b));
      const pick = fitting[0] ?? free.sort((a, b) => slotBytes(b) - slotBytes(a))[0];
      let slot: number;
      if (pick === undefined) {
        slot = slots.push([]) - 1;
      } else {
        slot = pick;
        free.splice(free.indexOf(pick), 1);
      }
      slots[slot].push(sizeOf(root));
      slotOf.set(root, slot);
    }
    for (const root of new Set([...use.reads, ...use.writes])) {
      if (lastUse.get(root) === i && !pinned.has(root) && slotOf.has(root)) free.push(slotOf.get(root)!);
    }
  });
  return { slotOf, slots };
}
