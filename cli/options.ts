/** Option parsing shared by several commands. */
import type { Graph } from "../compiler/ir/types.js";
import type { OptimizeOptions } from "../compiler/passes/index.js";

/** `--opt all|none|a,b,c` -> the passes argument of `optimize`. */
export function parsePassesOption(value: string): OptimizeOptions["passes"] {
  if (value === "all" || value === "none") return value;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The outputs of the `run` contract: every graph output except the debug intermediates. */
export function contractOutputs(graph: Graph): string[] {
  return Object.keys(graph.outputs).filter((name) => !name.startsWith("debug."));
}
