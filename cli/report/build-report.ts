/** Specs (+ bench results) -> the report's HTML: summaries, then the figures in reading order. */
import type { Device } from "../../compiler/analysis/devices.js";
import { summarizeModel, type ModelSummary } from "../../compiler/analysis/summary.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";
import type { BenchResults } from "../bench/results.js";
import { renderPage } from "./page.js";
import {
  flopsFigure, isHeterogeneous, latencyFigures, measuredVsPredictedFigure, memoryFigure, parametersFigure, perLayerFigures, sharesFigure, type Figure,
} from "./sections.js";

export interface ReportOptions {
  title?: string;
  batch: number;
  seqLens: readonly number[];
  devices: readonly Device[];
  bench?: BenchResults;
}

export function buildReport(specs: readonly { path: string; spec: ModelSpec }[], o: ReportOptions): string {
  const models: ModelSummary[] = specs.map(({ path, spec }) => summarizeModel(path, spec, { batch: o.batch, seqLens: o.seqLens, devices: o.devices }));
  const longest = Math.max(...models.flatMap((m) => Object.keys(m.flops.bySeqLen).map(Number)));
  const shareLens = [...new Set([128, longest])].filter((L) => models.some((m) => m.flops.bySeqLen[L]));
  const heterogeneous = models.map((m, i) => ({ m, i })).filter(({ m }) => isHeterogeneous(m));
  const measured = o.bench ? measuredVsPredictedFigure(o.bench) : null;
  return renderPage({
    title: o.title ?? `convspec report: ${models.map((m) => m.name).join(", ")}`,
    createdAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    models,
    batch: o.batch,
    devices: o.devices,
    bench: o.bench,
    sections: [
      { heading: "Size and cost", figures: [parametersFigure(models), flopsFigure(models, o.batch), memoryFigure(models, o.batch)] },
      { heading: "Latency", figures: [...latencyFigures(models, o.batch, o.bench), ...(measured ? [measured] : [])] },
      { heading: "Where the FLOPs go", figures: shareLens.map((L) => sharesFigure(models, L)).filter((f): f is Figure => f !== null) },
      {
        heading: "Per layer",
        intro: "Models whose layers differ (head split, kernel, FFN); models with identical layers are left out.",
        figures: heterogeneous.flatMap(({ m, i }) => perLayerFigures(m, i)),
      },
    ],
  });
}
