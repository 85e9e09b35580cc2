/**
 * IR -> TensorFlow.js plan: the ops a request needs, in order, each with the
 * values that die after it (so the runtime frees every intermediate at its
 * last use), plus the weight layouts to build once at load time.
 *
 * The plan is pure data; runtime/tfjs executes it with its op table. The
 * graph arrives optimised; the plan splits the fused forms tfjs has no
 * kernel for (expand.ts) and drops ops no requested output reads.
 */
import type { Graph, Op } from "../../ir/types.js";
import { neededOps, resolveOutputs } from "../../passes/graph-utils.js";
import { lastUses } from "../../passes/liveness.js";
import { expandForTfjs } from "./expand.js";
import { weightLayouts, type WeightLayout } from "./weight-layout.js";

/** tfjs backends in the order `auto` tries them. */
export const TFJS_BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number];

export interface PlanStep {
  op: Op;
  /** Values read for the last time by this step (or produced and never read): dispose right after it. */
  frees: string[];
}

export interface TfjsPlan {
  graph: Graph;
  /** The backend the plan was made for; undefined: the first that loads. */
  backend: TfjsBackendName | undefined;
  /** Requested output name -> value id. */
  outputs: Record<string, string>;
  steps: PlanStep[];
  /** Graph inputs the steps read (others need not be uploaded). */
  inputs: string[];
  /** Built once when an executor loads its weights. */
  weights: WeightLayout[];
}

export function buildTfjsPlan(optimised: Graph, requestedOutputs: readonly string[] = Object.keys(optimised.outputs), backend?: TfjsBackendName): TfjsPlan {
  const graph = expandForTfjs(optimised);
  const ids = resolveOutputs(graph, requestedOutputs);
  const outputs: Record<string, string> = Object.create(null);
  requestedOutputs.forEach((name, i) => (outputs[name] = ids[i]));
  const ops = neededOps(graph.ops, new Set(ids));
  // Each value dies after the op that reads it last; requested outputs live past the last op.
  const frees: string[][] = ops.map(() => []);
  for (const [id, last] of lastUses({ ...graph, ops }, requestedOutputs)) {
    if (last < ops.length) frees[last].push(id);
  }
  const inputIds = new Set(Object.keys(graph.inputs));
  const inputs = [...new Set(ops.flatMap((op) => op.inputs.filter((id) => inputIds.has(id))))];
  return {
    graph,
    backend,
    outputs,
    steps: ops.map((op, i) => ({ op, frees: frees[i] })),
    inputs,
    weights: weightLayouts({ ...graph, ops }),
  };
}
