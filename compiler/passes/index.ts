/**
 * The optimisation pipeline. `optimize` runs the chosen passes in ALL_PASSES
 * order, checks the IR after each, and with CONVSPEC_DEBUG=ir (a comma list)
 * prints the IR after each pass to stderr.
 */
import { debugEnabled } from "../debug.js";
import { didYouMean } from "../dsl/diagnostics.js";
import { UserError } from "../errors.js";
import type { Graph } from "../ir/types.js";
import { printIR } from "../ir/print.js";
import { deadCodeElimination } from "./dead-code.js";
import { foldActivations } from "./fold-activation.js";
import { fuseAddLayerNorm } from "./fuse-add-layer-norm.js";
import { fuseGate } from "./fuse-gate.js";
import { fuseLinearNorm } from "./fuse-linear-norm.js";
import { fuseProjections } from "./fuse-projections.js";
import { fuseSpanConv } from "./fuse-span-conv.js";
import { fuseSpanKey } from "./fuse-span-key.js";
import type { Pass } from "./pass.js";
import { verifyGraph } from "./verify.js";

export type { Pass, PassContext } from "./pass.js";
export { lastUses, liveIntervals } from "./liveness.js";
export { assignSlots, REFERENCE_SHAPE, type BufferUse, type SlotAssignment } from "./memory-plan.js";
export { verifyGraph } from "./verify.js";

/**
 * In order: DCE first, so fusion never merges work nobody needs; the span key
 * before the projections (it then reads x and joins them); the gate before
 * the span conv (which absorbs the gated linear); sums into norms before a
 * projection joins a norm as its linear term.
 */
export const ALL_PASSES: readonly Pass[] = [deadCodeElimination, fuseSpanKey, fuseProjections, foldActivations, fuseGate, fuseSpanConv, fuseAddLayerNorm, fuseLinearNorm];

export interface OptimizeOptions {
  /** "all", "none" or pass names (run in ALL_PASSES order). */
  passes: "all" | "none" | readonly string[];
  requestedOutputs: readonly string[];
}

export function optimize(graph: Graph, options: OptimizeOptions): Graph {
  const ctx = { requestedOutputs: options.requestedOutputs };
  const debug = debugEnabled("ir");
  let current = graph;
  for (const pass of selectPasses(options.passes)) {
    current = pass.run(current, ctx);
    verifyGraph(current, `pass '${pass.name}'`);
    if (debug) process.stderr.write(`=== IR after pass '${pass.name}' (${pass.summary}) ===\n${printIR(current)}\n`);
  }
  return current;
}

/** The passes named, in pipeline order; an unknown name is a user error with a suggestion. */
export function selectPasses(passes: OptimizeOptions["passes"]): Pass[] {
  if (passes === "all") return [...ALL_PASSES];
  if (passes === "none") return [];
  const names = ALL_PASSES.map((p) => p.name);
  for (const name of passes) {
    if (names.includes(name)) continue;
    const closest = didYouMean(name, names);
    const hint = closest ? ` (did you mean '${closest}'?)` : "";
    throw new UserError(`unknown pass '${name}'${hint}; passes: ${names.join(", ")}, or all / none`);
  }
  return ALL_PASSES.filter((p) => passes.includes(p.name));
}
