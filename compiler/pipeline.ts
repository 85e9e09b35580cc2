/**
 * The compile pipeline every caller shares (CLI, benches, examples, tests):
 * IR -> passes (once, the same for every target) -> a target's artifact.
 */
import { compilerTarget, type Artifacts, type TargetName, type TargetOptions } from "./backends/index.js";
import type { Graph } from "./ir/types.js";
import { resolveOutputs } from "./passes/graph-utils.js";
import { optimize, type OptimizeOptions } from "./passes/index.js";

export interface CompileRequest {
  /** Graph output names to compute. */
  outputs: readonly string[];
  /** Passes to run: "all" (default), "none", or names. */
  passes?: OptimizeOptions["passes"];
  options?: TargetOptions;
}

export interface Compiled<N extends TargetName> {
  target: N;
  /** The graph after the passes: exactly what the artifact computes (`compile --emit ir` prints it). */
  graph: Graph;
  artifact: Artifacts[N];
}

/**
 * `passes: "none"` is the unoptimised baseline on every level: no passes, and
 * (unless `options.lowering` says otherwise) every op lowered as written.
 */
export function compileFor<N extends TargetName>(target: N, graph: Graph, request: CompileRequest): Compiled<N> {
  resolveOutputs(graph, request.outputs); // unknown names fail here, whatever the passes
  const passes = request.passes ?? "all";
  const optimised = optimize(graph, { passes, requestedOutputs: request.outputs });
  const options = { ...request.options, lowering: request.options?.lowering ?? (passes === "none" ? "direct" : "tuned") };
  return { target, graph: optimised, artifact: compilerTarget(target).compile(optimised, request.outputs, options) };
}
