/**
 * The report's figures, from the models' summaries (and bench results when
 * given): each returns a titled SVG chart, or nothing when it has no data.
 * Shared by `convspec report` and the browser example's live comparison.
 */
import { LAYER_PARTS } from "../../compiler/analysis/params.js";
import { BACKBONE_PARTS, type ModelSummary } from "../../compiler/analysis/summary.js";
import type { Part } from "../../compiler/ir/types.js";
import type { BenchResults } from "../bench/results.js";
import { PART_LABELS } from "../compare/comparison.js";
import { rowFormatter } from "../compare/units.js";
import { stackedBars } from "./charts/bars.js";
import { lineChart, type LineSeries } from "./charts/line.js";
import { rangeChart } from "./charts/ranges.js";

export interface Figure {
  id: string;
  /** One sentence under the chart: what it shows and how it was computed. */
  caption: string;
  svg: string;
}

/** Palette index of each part, the same in every chart. */
const PART_COLOR: Record<Part, number> = { embeddings: 7, self_attention: 0, span_conv: 1, attention_output: 4, ffn: 2, pooler: 6, mlm_head: 3, cls_head: 5 };

const seqLensOf = (m: ModelSummary) => Object.keys(m.flops.bySeqLen).map(Number).sort((a, b) => a - b);
const compactCount = (n: number) => new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 }).format(n);
/** One value in its own unit, trailing zeros dropped: axis ticks and hover text ("10 GFLOP", "2.5 ms"). */
const one = (quantity: "flops" | "bytes" | "seconds") => (v: number) => rowFormatter(quantity, [v])(v).replace(/(\.\d*?)0+ /, "$1 ").replace(/\. /, " ");

/** Byte ticks at powers of two (1 MiB, 4 MiB, ...), at most seven. */
function powersOfTwo([lo, hi]: [number, number]): number[] {
  const first = Math.ceil(Math.log2(lo));
  const last = Math.floor(Math.log2(hi));
  const step = Math.max(1, Math.ceil((last - first + 1) / 7));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) ticks.push(2 ** e);
  return ticks;
}

export function parametersFigure(models: readonly ModelSummary[]): Figure {
  const keys: { name: string; color: number; value: (m: ModelSummary) => number }[] = [
    { name: "embeddings (+ projection)", color: PART_COLOR.embeddings, value: (m) => m.params.embeddings + m.params.projection },
    ...LAYER_PARTS.map((part) => ({ name: PART_LABELS[part], color: PART_COLOR[part], value: (m: ModelSummary) => m.params.perLayer.reduce((s, l) => s + l[part], 0) })),
    { name: "pooler", color: PART_COLOR.pooler, value: (m) => m.params.pooler },
    { name: "task heads", color: PART_COLOR.mlm_head, value: (m) => m.params.heads },
  ];
  const used = keys.filter((k) => models.some((m) => k.value(m) > 0));
  return {
    id: "parameters",
    caption: "Parameters by part (exact counts from the IR's parameter list; a tied MLM head owns no weight of its own).",
    svg: stackedBars({
      id: "parameters", title: "Parameters", xLabel: "parameters", categories: models.map((m) => m.name), keys: used,
      values: models.map((m) => used.map((k) => k.value(m))), formatValue: compactCount, annotations: models.map((m) => compactCount(m.params.total)),
    }),
  };
}

export function flopsFigure(models: readonly ModelSummary[], batch: number): Figure {
  const series: LineSeries[] = models.map((m, i) => ({ name: m.name, color: i, points: seqLensOf(m).map((L) => ({ x: L, y: m.flops.bySeqLen[L].backbone })) }));
  return {
    id: "flops",
    caption: `Backbone FLOPs of one forward at B=${batch} against the sequence length (log–log; a multiply-add is 2 FLOPs; docs/analysis.md).`,
    svg: lineChart({ id: "flops", title: `FLOPs vs sequence length, B=${batch}`, xLabel: "sequence length L", yLabel: "FLOPs", series, formatY: one("flops"), xLog: true, yLog: true }),
  };
}

export function memoryFigure(models: readonly ModelSummary[], batch: number): Figure {
  const series: LineSeries[] = models.map((m, i) => ({ name: m.name, color: i, points: seqLensOf(m).map((L) => ({ x: L, y: m.memory.bySeqLen[L].peakWithScratchBytes })) }));
  return {
    id: "memory",
    caption: `Peak live activation memory of the backbone at B=${batch}, f32, with attention scores and conv taps held during their op (weights excluded).`,
    svg: lineChart({ id: "memory", title: `Activation memory vs sequence length, B=${batch}`, xLabel: "sequence length L", yLabel: "bytes", series, formatY: one("bytes"), xLog: true, yLog: true, yTicks: powersOfTwo }),
  };
}

/** Predicted latency per device; measured medians from a bench run join the chart of the device they were predicted on. */
export function latencyFigures(models: readonly ModelSummary[], batch: number, bench?: BenchResults): Figure[] {
  const devices = [...new Map(models.flatMap((m) => m.predicted.map((p) => [p.device, p.deviceName] as const))).entries()];
  const measuredOn = (device: string | null) =>
    models.flatMap((m, i): LineSeries[] => {
      const cells = (bench?.results ?? []).filter((c) => c.model === m.name && c.batch === batch && (c.predicted?.device ?? null) === device).sort((a, b) => a.seqLen - b.seqLen);
      return cells.length === 0 ? [] : [{ name: `${m.name} (measured, ${bench!.executor})`, color: i, dashed: true, points: cells.map((c) => ({ x: c.seqLen, y: c.medianMs / 1e3 })) }];
    });
  const figures = devices.map(([device, name]): Figure => {
    const series: LineSeries[] = models.flatMap((m, i) => {
      const byL = m.predicted.find((p) => p.device === device)?.byBatch[batch];
      return byL ? [{ name: m.name, color: i, points: Object.entries(byL).map(([L, p]) => ({ x: Number(L), y: p.seconds })) }] : [];
    });
    const measured = measuredOn(device);
    return {
      id: `latency-${device}`,
      caption: `Predicted latency of the backbone's WGSL dispatches on ${name} at B=${batch} (roofline cost model; figures and sources below)${measured.length > 0 ? "; dashed: measured medians" : ""}.`,
      svg: lineChart({ id: `latency-${device}`, title: `Predicted latency vs sequence length: ${device}`, xLabel: "sequence length L", yLabel: "seconds", series: [...series, ...measured], formatY: one("seconds"), xLog: true, yLog: true }),
    };
  });
  const unpredicted = measuredOn(null);
  if (unpredicted.length > 0) {
    figures.push({
      id: "latency-measured",
      caption: `Measured median latency at B=${batch} (${bench!.executor}), no device profile to predict it on.`,
      svg: lineChart({ id: "latency-measured", title: "Measured latency vs sequence length", xLabel: "sequence length L", yLabel: "seconds", series: unpredicted, formatY: one("seconds"), xLog: true, yLog: true }),
    });
  }
  return figures;
}

export function sharesFigure(models: readonly ModelSummary[], seqLen: number): Figure | null {
  const withL = models.filter((m) => m.flops.bySeqLen[seqLen]);
  if (withL.length === 0) return null;
  const parts = BACKBONE_PARTS.filter((p) => withL.some((m) => m.flops.bySeqLen[seqLen].byPart[p] > 0));
  return {
    id: `shares-${seqLen}`,
    caption: `Where the backbone's FLOPs go at L=${seqLen}: shares by part.`,
    svg: stackedBars({
      id: `shares-${seqLen}`, title: `FLOPs by part, L=${seqLen}`, xLabel: "share of backbone FLOPs", normalize: true,
      categories: withL.map((m) => m.name), keys: parts.map((p) => ({ name: PART_LABELS[p], color: PART_COLOR[p] })),
      values: withL.map((m) => parts.map((p) => m.flops.bySeqLen[seqLen].byPart[p])), formatValue: one("flops"),
    }),
  };
}

/** Whether a model's layers differ (head split, kernel, FFN): the per-layer view is worth a chart. */
export function isHeterogeneous(m: ModelSummary): boolean {
  const shape = (l: ModelSummary["perLayer"][number]) => [l.attentionHeads, l.convHeads, l.headSize, l.kernelSize, l.intermediateSize, l.ffnGroups].join(",");
  return new Set(m.perLayer.map(shape)).size > 1;
}

export function perLayerFigures(m: ModelSummary, index: number): Figure[] {
  const categories = m.perLayer.map((l) => `layer ${l.layer}`);
  const heads = stackedBars({
    id: `layers-${index}-heads`, title: `${m.name}: heads per layer`, xLabel: "heads", categories,
    keys: [{ name: "attention heads", color: PART_COLOR.self_attention }, { name: "span-conv heads", color: PART_COLOR.span_conv }],
    values: m.perLayer.map((l) => [l.attentionHeads, l.convHeads]), formatValue: (n) => String(n),
    annotations: m.perLayer.map((l) => `×${l.headSize}${l.convHeads > 0 ? ` · K${l.kernelSize}` : ""} · FFN ${l.intermediateSize}${l.ffnGroups > 1 ? `/${l.ffnGroups}g` : ""}`),
  });
  const L = seqLensOf(m).includes(128) ? 128 : seqLensOf(m).at(-1)!;
  const layerParts = LAYER_PARTS.filter((p) => m.perLayer.some((l) => (l.flopsBySeqLen[L]?.byPart[p] ?? 0) > 0));
  const flops = stackedBars({
    id: `layers-${index}-flops`, title: `${m.name}: FLOPs per layer, L=${L}`, xLabel: "FLOPs", categories,
    keys: layerParts.map((p) => ({ name: PART_LABELS[p], color: PART_COLOR[p] })),
    values: m.perLayer.map((l) => layerParts.map((p) => l.flopsBySeqLen[L]?.byPart[p] ?? 0)), formatValue: one("flops"),
  });
  return [
    { id: `layers-${index}-heads`, caption: `${m.name}: attention and span-conv heads in each layer, with the head size, span kernel K and FFN width (/groups).`, svg: heads },
    { id: `layers-${index}-flops`, caption: `${m.name}: each layer's FLOPs at L=${L}, B=${m.flops.batch}, by part.`, svg: flops },
  ];
}

export function measuredVsPredictedFigure(bench: BenchResults): Figure | null {
  const rows = bench.results.map((c) => ({ label: `${c.model} B${c.batch} L${c.seqLen}`, median: c.medianMs / 1e3, min: c.minMs / 1e3, max: c.maxMs / 1e3, predicted: c.predicted ? c.predicted.ms / 1e3 : undefined }));
  if (rows.length === 0) return null;
  const device = bench.results.find((c) => c.predicted)?.predicted?.device;
  return {
    id: "measured-vs-predicted",
    caption: `Measured (${bench.executor}, median with min…max of ${bench.reps} runs) against ${device ? `the cost model's prediction on '${device}'` : "no prediction"}; log scale.`,
    svg: rangeChart({ id: "measured-vs-predicted", title: "Measured vs predicted latency", rows, measuredName: `measured (${bench.executor})`, predictedName: device ? `predicted (${device})` : "predicted", formatValue: one("seconds"), xLabel: "seconds (log)" }),
  };
}
