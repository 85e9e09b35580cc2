/** Option parsing shared by several commands. */
import { UserError } from "../compiler/errors.js";
import type { OptimizeOptions } from "../compiler/passes/index.js";

/** `--opt all|none|a,b,c` -> the passes argument of `optimize`. */
export function parsePassesOption(value: string): OptimizeOptions["passes"] {
  if (value === "all" || value === "none") return value;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** `--shape 8x512` -> { B: 8, L: 512 }. */
export function parseShape(value: string | undefined): { B: number; L: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UserError(`--shape expects BATCHxLENGTH, e.g. 1x128, got '${value}'`);
  return { B: Number(m[1]), L: Number(m[2]) };
}
