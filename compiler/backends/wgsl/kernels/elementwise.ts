/**
 * `out = act(t0 ∘ t1 ∘ ...)` with ∘ = + or ×: standalone adds, muls,
 * activations, gathers and copies (the inputs of a concat that could not be
 * written in place; slices are always views). One invocation per element;
 * grid (channels, rows).
 */
import type { Activation } from "../../../spec/model-spec.js";
import { FLAGS } from "../flags.js";
import type { Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { termCombine, termDecls, termRowStatements, termsKey, type TermMode } from "./terms.js";

export function elementwiseProgram(modes: readonly TermMode[], op: "add" | "mul", activation: Activation | "none"): Program {
  const WG = FLAGS.elementwiseWorkgroupSize;
  const terms = termDecls(modes);
  const uniforms = ["L", "C", "out_off", "out_stride", ...terms.uniforms];
  const bindings = [...terms.bindings, { name: "out", type: "f32", access: "read_write" } as const];
  const helper = new ShaderHelper(uniforms, bindings);
  const result = helper.activation(activation, "x");
  const body = `
${ShaderHelper.perChannelEntry(WG)}
${termRowStatements(modes)}
  let x = ${termCombine(modes.length, op, "c")};
  out[u.out_off + row * u.out_stride + c] = ${result};
}`;
  return {
    name: "elementwise",
    cacheKey: `elementwise_${op}_${termsKey(modes)}${activation === "none" ? "" : `_${activation}`}`,
    workgroupSize: [WG, 1, 1],
    workgroupStorageBytes: 0,
    uniforms,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}
