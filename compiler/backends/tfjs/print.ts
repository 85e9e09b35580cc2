/**
 * Text form of a tfjs plan: the load-time weight layouts, then one line per
 * step with the tfjs kernels it runs and the values freed after it.
 * Printed by `convspec compile --target tfjs`, and by the tfjs executor for
 * each plan it builds when CONVSPEC_DEBUG has `plan`.
 */
import { assertNever, type OpKind, type OpOf } from "../../ir/types.js";
import { describeForm } from "./forms.js";
import type { TfjsBackendName, TfjsPlan } from "./plan.js";
import type { WeightLayout } from "./weight-layout.js";

/**
 * With `backend`, only that backend's variant (the executor prints the one it
 * runs); without, every variant the plan holds: its steps once, then per
 * backend the lowering, the steps whose form differs from "as written", and
 * the weight layouts.
 */
export function printTfjsPlan(plan: TfjsPlan, backend?: TfjsBackendName): string {
  const variants = Object.entries(plan.variants).filter(([name]) => backend === undefined || name === backend);
  const lines = [`tfjs plan "${plan.graph.name}" (backend: ${backend ?? plan.backend ?? "auto"}): ${plan.steps.length} steps`];
  lines.push(`inputs: ${plan.inputs.join(", ")}`);
  lines.push("steps:");
  plan.steps.forEach((step, i) => {
    const free = step.frees.length > 0 ? `   free ${step.frees.join(", ")}` : "";
    lines.push(`  ${String(i).padStart(3)} ${step.op.outputs.join(", ")} = ${describeKernels(step.op)}(${step.op.inputs.join(", ")})${free}`);
  });
  lines.push("outputs:");
  for (const [name, id] of Object.entries(plan.outputs)) lines.push(`  ${name} = ${id}`);
  for (const [name, variant] of variants) {
    const { lowering } = variant;
    lines.push(`on ${name}: ${lowering.name} lowering: ${lowering.why}`);
    lines.push(`  attention ${lowering.attention}, segments ${lowering.segments}, gelu ${lowering.gelu}, fused activations ${lowering.fusedActivations.join(",") || "none"}` +
      (lowering.blockWeights === null ? "" : `, matMuls of >= ${lowering.blockWeights} weights in ${lowering.blockColumns}-column blocks`));
    variant.forms.forEach((form, i) => {
      const text = describeForm(form);
      if (text !== null) lines.push(`  step ${i} (${plan.steps[i].op.id}): ${text}`);
    });
    lines.push(`  weights (laid out once at load): ${variant.weights.length}`);
    for (const layout of variant.weights) lines.push(`    ${describeLayout(layout)}`);
  }
  return lines.join("\n");
}

function describeLayout(layout: WeightLayout): string {
  switch (layout.kind) {
    case "as_is":
      return `${layout.name}: as is`;
    case "linear_kernel": {
      const { groups, inFeatures } = layout;
      const total = layout.outFeatures.reduce((a, b) => a + b, 0);
      const how = groups === 1 ? `concat [out,in] + transpose -> [${inFeatures},${total}]` : `concat groups -> [${groups},${inFeatures / groups},${total / groups}]`;
      return `${layout.name}: ${layout.sources.join(" | ")}: ${how}${describeRange(layout, groups === 1 ? total : total / groups)}`;
    }
    case "linear_bias": {
      const total = layout.outFeatures.reduce((a, b) => a + b, 0) / layout.groups;
      return `${layout.name}: ${layout.sources.map((s) => s ?? "zeros").join(" | ")}: concat${describeRange(layout, total)}`;
    }
    case "depthwise_filter":
      return `${layout.name}: ${layout.source}: [H,1,K] -> [1,${layout.kernelSize},H,1]`;
    default:
      return assertNever(layout, "weight layout");
  }
}

/** The tfjs kernels each op kind runs (runtime/tfjs/ops/), for the plan printout. */
const KERNELS: { [K in OpKind]: (op: OpOf<K>) => string } = {
  gather: () => "gather",
  positions: () => "slice",
  add: () => "add",
  mul: () => "mul",
  layer_norm: () => "layer_norm:mean+sub+square+mean+rsqrt+mul+add",
  add_layer_norm: (op) => `add_layer_norm:${op.terms.map((t) => (t.kind === "value" ? "x" : t.kind === "gather" ? "gather" : "slice")).join("+")}+mean+sub+square+mean+rsqrt+mul+add`,
  linear: (op) => {
    const mm = op.groups === 1 ? "fused.matMul+bias" : `batchMatMul[G=${op.groups}]+bias`;
    const act = op.activation === "none" ? "" : `+${op.activation}`;
    const split = op.segments.length > 1 ? `->split${op.segments.length}` : "";
    return `linear:${op.segments[0].operand.kind === "gated" ? "mul+" : ""}${mm}${act}${split}`;
  },
  activation: (op) => `activation:${op.fn}`,
  slice: () => "slice",
  concat: () => "concat",
  depthwise_conv: (op) => `depthwise_conv:depthwiseConv2d(K=${op.kernelSize})`,
  attention: (op) => `attention:matMul+mask+softmax+matMul[heads=${op.heads}]`,
  dynamic_conv: (op) => `dynamic_conv:pad+softmax+${op.kernelSize}x(slice+mul+add)`,
  take_first: () => "take_first",
};

function describeRange(range: { start: number; size: number; scale: number }, total: number): string {
  const columns = range.start === 0 && range.size === total ? "" : `, columns ${range.start}..${range.start + range.size - 1}`;
  return columns + (range.scale === 1 ? "" : ` x ${range.scale.toPrecision(6)}`);
}

function describeKernels<K extends OpKind>(op: OpOf<K>): string {
  return (KERNELS[op.kind as K] as (op: OpOf<K>) => string)(op);
}
