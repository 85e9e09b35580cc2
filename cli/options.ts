/** Option parsing shared by several commands. */
import type { OptimizeOptions } from "../compiler/passes/index.js";

/** `--opt all|none|a,b,c` -> the passes argument of `optimize`. */
export function parsePassesOption(value: string): OptimizeOptions["passes"] {
  if (value === "all" || value === "none") return value;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}
