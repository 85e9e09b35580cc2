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

export function compileFor<N extends TargetName>(target: N, graph: Graph, request: CompileRequest): Compiled<N> {
  resolveOutputs(graph, request.outputs); // unknown names fail here, whatever the passes
  const optimised = optimize(graph, { passes: request.passes ?? "all", requestedOutputs: request.outputs });
  return { target, graph: optimised, artifact: compilerTarget(target).compile(optimised, request.outputs, request.options ?? {}) };
}
