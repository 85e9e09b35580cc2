/**
 * Text form of a WGSL plan (`convspec compile --target wgsl` without -o):
 * kernels, then one line per dispatch with the IR op it computes, its grid,
 * and its cost at the plan's reference shape (FLOPs, bytes its bindings
 * move, workgroups launched), so occupancy can be judged without a GPU;
 * then the outputs and the memory report.
 */
import type { Term } from "../../ir/polynomial.js";
import type { WgslProgramPlan } from "./plan.js";
import { evalSize, type GridDim, type SizeExpr } from "./sizes.js";

const size = (e: SizeExpr): string => [e.coef !== 1 || (!e.perB && !e.perL) ? String(e.coef) : "", e.perB ? "B" : "", e.perL ? "L" : ""].filter(Boolean).join("·");
const dim = (g: GridDim): string => (g.divisor === 1 ? size(g.size) : `⌈${size(g.size)}/${g.divisor}⌉`);
const compact = (n: number): string => new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);

/** A polynomial's value at (B, L), from its JSON terms. */
export function termsAt(terms: readonly Term[], B: number, L: number): number {
  return terms.reduce((sum, t) => sum + t.coefficient * B ** t.batchPower * L ** t.seqPower, 0);
}

export function printWgslPlan(plan: WgslProgramPlan): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  const { reference, arenaBytes, intermediateBytes } = plan.memory;
  const { B, L } = reference;
  const rows = plan.dispatches.map((d, i) => {
    const workgroups = d.grid.reduce((n, g) => n * Math.ceil(evalSize(g.size, B, L) / g.divisor), 1);
    const flops = termsAt(d.cost.flops, B, L);
    const bytes = termsAt(d.cost.bytes, B, L);
    const cost = `${compact(flops).padStart(6)} FLOP ${compact(bytes).padStart(6)} B ${String(workgroups).padStart(5)} wg`;
    return `  ${String(i).padStart(3)} ${cost}  ${d.kernel}: ${d.ops.join(" + ")}  grid ${d.grid.map(dim).join(" x ")}${d.choice ? `  (${d.choice})` : ""}`;
  });
  const total = plan.dispatches.reduce((s, d) => s + termsAt(d.cost.flops, B, L), 0);
  const lines = [
    `wgsl plan "${plan.model}": ${plan.kernels.length} kernels, ${plan.dispatches.length} dispatches, ${plan.slots.length} buffer slots` +
      (plan.features.length > 0 ? `, needs ${plan.features.join(", ")}` : ""),
    `memory at B=${B} L=${L}: arena ${mib(arenaBytes)} (all intermediates: ${mib(intermediateBytes)})`,
    "kernels:",
    ...plan.kernels.map((k) => `  ${k.name}  workgroup ${k.workgroupSize.join("x")}, ${k.storageBindings} buffers, ${k.workgroupStorageBytes} B shared`),
    `dispatches (cost at B=${B} L=${L}: ${compact(total)} FLOP in all):`,
    ...rows,
    "outputs:",
    ...Object.entries(plan.outputs).map(([name, o]) => `  ${name} = ${o.buffer.kind === "slot" ? `slot ${o.buffer.index}` : o.buffer.kind} +${o.offset} [${o.shape.join(",")}]`),
  ];
  return lines.join("\n");
}

