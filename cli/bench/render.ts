/** The terminal table of `convspec bench`: one row per spec and shape. */
import Table from "cli-table3";
import pc from "picocolors";
import { rowFormatter } from "../compare/units.js";
import type { BenchResults } from "./results.js";

export function renderBench(r: BenchResults, color: boolean): string {
  const dim = color ? pc.dim : (s: string) => s;
  const predicted = r.results.find((c) => c.predicted)?.predicted?.device;
  const head = ["model", "B", "L", "FLOPs", "median", "IQR", "min … max", "GFLOP/s", "× first"];
  if (predicted) head.push(`predicted (${predicted})`, "pred ÷ meas");
  const table = new Table({
    head,
    colAligns: ["left", ...head.slice(1).map(() => "right" as const)],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  // One unit per column, so rows compare at a glance.
  const seconds = (ms: number[]) => rowFormatter("seconds", ms.map((x) => x / 1e3));
  const time = seconds(r.results.flatMap((c) => [c.medianMs, c.minMs, c.maxMs, c.p25Ms, c.p75Ms]));
  const flops = rowFormatter("flops", r.results.map((c) => c.flops));
  const predictedTime = seconds(r.results.flatMap((c) => (c.predicted ? [c.predicted.ms] : [])));
  for (const c of r.results) {
    const row = [
      c.model, String(c.batch), String(c.seqLen), flops(c.flops),
      time(c.medianMs / 1e3), `${time(c.p25Ms / 1e3)} … ${time(c.p75Ms / 1e3)}`, dim(`${time(c.minMs / 1e3)} … ${time(c.maxMs / 1e3)}`),
      c.gflops.toFixed(2), c.ratioToFirst === null ? dim("—") : `×${c.ratioToFirst.toFixed(2)}`,
    ];
    if (predicted) row.push(c.predicted ? predictedTime(c.predicted.ms / 1e3) : dim("—"), c.predicted ? `${(c.predicted.ms / c.medianMs).toFixed(2)}` : dim("—"));
    table.push(row);
  }
  const notes = [
    `${r.executor}, ${r.weights} weights, outputs ${r.outputs.join(", ")}; ${r.warmup} warm-up run(s) excluded, ${r.reps} timed run(s) per row.`,
    "median and IQR (25th … 75th percentile) of the timed runs; GFLOP/s = FLOPs / median; × first: median over the first spec's at the same shape.",
  ];
  if (predicted) notes.push(`predicted: the roofline cost model on device profile '${predicted}' (docs/analysis.md).`);
  for (const s of r.skipped) notes.push(`skipped ${s.model} B${s.batch} L${s.seqLen}: ${s.reason}`);
  return `${table.toString()}\n${dim(notes.join("\n"))}`;
}
