/** Scalar math shared by the reference interpreter (double precision). */
import type { Activation } from "../../compiler/spec/model-spec.js";

/**
 * erf via the all-positive series erf(x) = 2/√π · e^{-x²} · Σ 2ⁿ x^{2n+1} / (2n+1)!!,
 * which has no cancellation, so it stays accurate to ~1e-16 for |x| < 6.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 0; term > 1e-17 * sum; n++) {
    term *= (2 * ax * ax) / (2 * n + 3);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

const ACTIVATIONS: Record<Activation | "none", (x: number) => number> = {
  none: (x) => x,
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  relu: (x) => (x > 0 ? x : 0),
  tanh: (x) => Math.tanh(x),
  silu: (x) => x / (1 + Math.exp(-x)),
};

/** `fn(x)` in double precision; the same (fn, x) order as the tfjs and WGSL tables. */
export function applyActivation(fn: Activation | "none", x: number): number {
  return ACTIVATIONS[fn](x);
}
