/**
 * Which operator set the ONNX target lowers to. `standard` (the default) uses
 * only the standard ai.onnx domain (opset 17), so any runtime loads the file.
 * `ort` adds ONNX Runtime's `com.microsoft` fused ops (for ORT deployments
 * whose execution provider has fused kernels for them); a comma list picks
 * contrib ops by name.
 *
 * Why standard is the default: on onnxruntime-node CPU here none of the
 * contrib ops pays (bench/onnx.ts --contrib, docs/bench-onnx.md). ORT's own
 * graph optimiser already turns the standard graph's Add+LayerNormalization
 * into SkipLayerNormalization and the erf pattern into (Bias)Gelu, with the
 * bias folded in. Emitting SkipLayerNormalization ourselves was slower in 5
 * of 6 cells (up to 10%); Gelu and MultiHeadAttention moved timings by
 * -10%..+9% with no consistent sign, as much as the noise between two
 * identical sessions.
 */
import { didYouMean } from "../../diagnostics.js";
import { UserError } from "../../errors.js";

/** ORT contrib ops this backend can emit, by the name `--onnx-ops` takes. */
export const CONTRIB_OPS = {
  /** add_layer_norm -> SkipLayerNormalization. */
  "skip-layer-norm": "SkipLayerNormalization",
  /** GELU (exact / tanh form) -> Gelu / FastGelu instead of its erf / tanh formula. */
  gelu: "Gelu, FastGelu",
  /** attention -> MultiHeadAttention with a key padding mask. */
  attention: "MultiHeadAttention",
} as const;

export type ContribOp = keyof typeof CONTRIB_OPS;
const CONTRIB_NAMES = Object.keys(CONTRIB_OPS) as ContribOp[];

/** What `--onnx-ops ort` enables: every contrib op. */
export const ORT_CONTRIB: readonly ContribOp[] = CONTRIB_NAMES;

/** The default `--onnx-ops`: what pays on onnxruntime-node CPU (see above). */
export const DEFAULT_ONNX_OPS = "standard";

export interface OnnxCompileOptions {
  /** Contrib ops to use; empty: standard ops only. */
  contrib: ReadonlySet<ContribOp>;
}

export const STANDARD_ONLY: OnnxCompileOptions = { contrib: new Set() };

/** `standard`, `ort`, or a comma list of contrib op names (see CONTRIB_OPS). */
export function parseOnnxOps(text: string): OnnxCompileOptions {
  if (text === "standard") return STANDARD_ONLY;
  if (text === "ort") return { contrib: new Set(ORT_CONTRIB) };
  const names = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  for (const name of names) {
    if ((CONTRIB_NAMES as string[]).includes(name)) continue;
    const closest = didYouMean(name, [...CONTRIB_NAMES, "standard", "ort"]);
    const hint = closest ? ` (did you mean '${closest}'?)` : "";
    throw new UserError(`unknown --onnx-ops '${name}'${hint}; expected standard, ort, or a comma list of ${CONTRIB_NAMES.join(", ")}`);
  }
  return { contrib: new Set(names as ContribOp[]) };
}

export function describeOnnxOps(options: OnnxCompileOptions): string {
  return options.contrib.size === 0 ? "standard" : [...options.contrib].join(",");
}
