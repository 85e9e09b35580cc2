/**
 * The span window shared by the conv kernels: K taps centred on position l,
 * tap t reading position l + t - (K-1)/2. Loops run only over the taps that
 * land inside the sequence, so a kernel's work per output is bounded by L
 * however large K is (a `kernel 4097` spec on L=16 does 16 taps, not 4097).
 */

/** WGSL declaring `t_first`, `t_end` (i32): the taps of position `l` (an i32) inside 0..u.L. */
export function tapRange(K: number, indent = "  "): string {
  const pad = (K - 1) / 2;
  return `let t_first = max(0, ${pad} - l);\n${indent}let t_end = min(${K}, i32(u.L) + ${pad} - l);`;
}

/** Above this, a softmax over the taps re-evaluates exp instead of keeping K weights per invocation (a private array of K). */
export const MAX_CACHED_TAPS = 64;

/**
 * WGSL computing the softmax of the K logits `logit(t)` (t: u32) and summing
 * `weight * value(src)` over the in-sequence taps into `sum`, with `total` the
 * softmax denominator over all K taps (padded taps weigh in, as in HF's
 * zero-padded unfold). `valid` (a WGSL bool of `src`, or "true") drops masked taps.
 */
export function softmaxTapSum(K: number, logit: (t: string) => string, value: (src: string) => string, valid: string): string {
  const cached = K <= MAX_CACHED_TAPS;
  const weight = cached ? "taps[t]" : `exp(${logit("u32(t)")} - peak)`;
  const accumulate = `sum = fma(${weight}, ${value("src")}, sum);`;
  return `var peak = ${logit("0u")};
    for (var t = 1u; t < ${K}u; t++) { peak = max(peak, ${logit("t")}); }
    ${cached ? `var taps: array<f32, ${K}>;\n    ` : ""}var total = 0.0;
    for (var t = 0u; t < ${K}u; t++) { ${cached ? `taps[t] = exp(${logit("t")} - peak); total += taps[t];` : `total += exp(${logit("t")} - peak);`} }
    ${tapRange(K, "    ")}
    var sum = 0.0;
    for (var t = t_first; t < t_end; t++) {
      let src = l + t - ${(K - 1) / 2};
      ${valid === "true" ? accumulate : `if (${valid}) { ${accumulate} }`}
    }`;
}
