/**
 * Text form of a WGSL plan (`convspec compile --target wgsl` without -o):
 * kernels, then one line per dispatch with the IR op it computes and its
 * grid, then the buffer slots and the memory report.
 */
import type { WgslProgramPlan } from "./plan.js";
import type { GridDim, SizeExpr } from "./sizes.js";

const size = (e: SizeExpr): string => [e.coef !== 1 || (!e.perB && !e.perL) ? String(e.coef) : "", e.perB ? "B" : "", e.perL ? "L" : ""].filter(Boolean).join("·");
const dim = (g: GridDim): string => (g.divisor === 1 ? size(g.size) : `⌈${size(g.size)}/${g.divisor}⌉`);

export function printWgslPlan(plan: WgslProgramPlan): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  const { reference, arenaBytes, intermediateBytes } = plan.memory;
  const lines = [
    `wgsl plan "${plan.model}": ${plan.kernels.length} kernels, ${plan.dispatches.length} dispatches, ${plan.slots.length} buffer slots`,
    `memory at B=${reference.B} L=${reference.L}: arena ${mib(arenaBytes)} (all intermediates: ${mib(intermediateBytes)})`,
    "kernels:",
    ...plan.kernels.map((k) => `  ${k.name}  workgroup ${k.workgroupSize.join("x")}, ${k.storageBindings} buffers, ${k.workgroupStorageBytes} B shared`),
    "dispatches:",
    ...plan.dispatches.map((d, i) => `  ${String(i).padStart(3)} ${d.kernel}: ${d.ops.join(" + ")}  grid ${d.grid.map(dim).join(" x ")}`),
    "outputs:",
    ...Object.entries(plan.outputs).map(([name, o]) => `  ${name} = ${o.buffer.kind === "slot" ? `slot ${o.buffer.index}` : o.buffer.kind} +${o.offset} [${o.shape.join(",")}]`),
  ];
  return lines.join("\n");
}
