/**
 * NaN or ±Inf in a weight turns every output into NaN without an error; a
 * checkpoint holding one is almost always damaged (a bad conversion, a
 * diverged run), so loading refuses it unless asked not to.
 */
import { UserError } from "../../compiler/errors.js";
import { escapeControl } from "../../compiler/io/preview.js";

/** Index of the first NaN or infinite value, or -1. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    // x - x is 0 for every finite x, NaN for NaN and ±Inf: one comparison per element.
    if (data[i] - data[i] !== 0) return i;
  }
  return -1;
}

/** Throws a UserError naming the tensor, the index (flat and per dimension) and the value of its first non-finite element. */
export function checkFinite(source: string, name: string, shape: readonly number[], data: Float32Array): void {
  const at = firstNonFinite(data);
  if (at < 0) return;
  throw new UserError(
    `${source}: tensor '${escapeControl(name)}' holds ${data[at]} at index ${at} ${multiIndex(at, shape)}; ` +
      "its outputs would be NaN (pass --allow-nonfinite to load it anyway)",
  );
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${index.join(", ")}]`;
}
