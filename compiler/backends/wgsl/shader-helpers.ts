/**
 * Assembles a kernel's WGSL the way onnxruntime-web's ShaderHelper does: the
 * uniform struct, the bindings, and only the utility functions the body asks
 * for (an unused erf would still be compiled by every driver).
 */
import { MASKED_SCORE } from "../../ir/types.js";
import type { Activation } from "../../spec/model-spec.js";
import type { BindingDecl } from "./program.js";

/** The IR's additive score of a padded key, as a WGSL literal. */
export const MASKED_SCORE_WGSL = String(MASKED_SCORE);

const HELPERS = {
  // Abramowitz–Stegun 7.1.26: |error| < 1.5e-7, far inside the 1e-3 budget.
  erf: `fn erf_approx(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}`,
  // tanh through exp overflows to inf/inf = NaN on some drivers for large |x|: clamp first.
  tanh: `fn tanh_safe(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}`,
} as const;

type HelperName = keyof typeof HELPERS;

/** Each activation as a WGSL expression of x (the same (fn, x) order as the reference and tfjs tables). */
const ACTIVATIONS: Record<Activation | "none", { helper?: HelperName; expression: (x: string) => string }> = {
  none: { expression: (x) => x },
  gelu: { helper: "erf", expression: (x) => `(0.5 * ${x} * (1.0 + erf_approx(${x} * 0.7071067811865476)))` },
  gelu_new: { helper: "tanh", expression: (x) => `(0.5 * ${x} * (1.0 + tanh_safe(0.7978845608028654 * (${x} + 0.044715 * ${x} * ${x} * ${x}))))` },
  relu: { expression: (x) => `max(${x}, 0.0)` },
  tanh: { helper: "tanh", expression: (x) => `tanh_safe(${x})` },
  silu: { expression: (x) => `(${x} / (1.0 + exp(-${x})))` },
};

export class ShaderHelper {
  private readonly used = new Set<HelperName>();

  constructor(
    private readonly uniforms: readonly string[],
    private readonly bindings: readonly BindingDecl[],
    /** WGSL extensions the code needs (`enable ...;`), e.g. subgroups. */
    private readonly enables: readonly string[] = [],
  ) {}

  /** WGSL expression applying `fn` to `x`, pulling in the helpers it needs. */
  activation(fn: Activation | "none", x: string): string {
    const { helper, expression } = ACTIVATIONS[fn];
    if (helper) this.used.add(helper);
    return expression(x);
  }

  /**
   * Entry point of a kernel with one invocation per (row, channel): rows are
   * flattened (b, l) positions on y, channels on x; out-of-range channels return.
   */
  static perChannelEntry(workgroupSize: number): string {
    return `@compute @workgroup_size(${workgroupSize}, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let row = gid.y;
  if (c >= u.C) { return; }`;
  }

  /** The full module: uniform struct, bindings, helpers, then the body. */
  assemble(body: string): string {
    const struct = `struct Uniforms {\n${this.uniforms.map((u) => `  ${u}: u32,`).join("\n")}\n};\n@group(0) @binding(0) var<uniform> u: Uniforms;`;
    const bindings = this.bindings.map((b, i) => {
      const element = b.type === "vec4f" ? "vec4<f32>" : b.type;
      return `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${b.name}: array<${element}>;`;
    });
    const helpers = [...this.used].sort().map((h) => HELPERS[h]);
    const enables = this.enables.map((e) => `enable ${e};`);
    return [...enables, struct, ...bindings, ...helpers, body.trim()].join("\n\n") + "\n";
  }
}

/**
 * `fn reduce_sum(li, x) -> f32`: the sum of x over a workgroup of WG
 * invocations, every invocation getting it. Every invocation sums the WG
 * partials itself: one barrier instead of log2(WG), and no in-place tree:
 * that pattern gave wrong sums on Mesa llvmpipe behind Dawn's GL backend
 * (cause not pinned down; WG adds per invocation are cheap at this size).
 */
export function workgroupSum(WG: number): string {
  return `var<workgroup> partial: array<f32, ${WG}>;

fn reduce_sum(li: u32, x: f32) -> f32 {
  partial[li] = x;
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < ${WG}u; i++) { total += partial[i]; }
  workgroupBarrier();
  return total;
}`;
}
