/**
 * `CONVSPEC_DEBUG`, a comma list of what to print to stderr as it is built:
 * `ir` (the IR after each pass), `kernels` (each generated WGSL kernel),
 * `plan` (each tfjs plan).
 */
export function debugEnabled(what: "ir" | "kernels" | "plan"): boolean {
  return (process.env.CONVSPEC_DEBUG ?? "").split(",").some((s) => s.trim() === what);
}
