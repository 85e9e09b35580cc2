/**
 * `CONVSPEC_DEBUG`, a comma list of what to print to stderr as it is built:
 * `ir` (the IR after each pass), `kernels` (each generated WGSL kernel),
 * `plan` (each tfjs plan), or `all`. A word that is none of these is the user's
 * mistake: `checkDebugSetting` (run by the CLI at start) says so.
 */
import { didYouMean } from "./diagnostics.js";
import { UserError } from "./errors.js";

export const DEBUG_WORDS = ["ir", "kernels", "plan"] as const;
export type DebugWord = (typeof DEBUG_WORDS)[number];

const words = (): string[] => (process.env.CONVSPEC_DEBUG ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export function debugEnabled(what: DebugWord): boolean {
  const set = words();
  return set.includes(what) || set.includes("all");
}

/** Refuses an unknown CONVSPEC_DEBUG word, with a suggestion. */
export function checkDebugSetting(): void {
  for (const word of words()) {
    if (word === "all" || (DEBUG_WORDS as readonly string[]).includes(word)) continue;
    const closest = didYouMean(word, DEBUG_WORDS);
    throw new UserError(`CONVSPEC_DEBUG: unknown '${word}'${closest ? ` (did you mean '${closest}'?)` : ""}; it takes a comma list of ${DEBUG_WORDS.join(", ")}, or all`);
  }
}
