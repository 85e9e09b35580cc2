/**
 * What `convspec compare` shows, independent of how it is printed: sections
 * of rows, one value per model (null where a model cannot be evaluated,
 * e.g. a sequence length beyond its max positions), plus footnotes. The
 * renderers (render.ts) turn it into a terminal table, markdown or CSV.
 */
import type { Part } from "../../compiler/ir/types.js";
import { BACKBONE_PARTS, type ModelSummary } from "../../compiler/analysis/summary.js";
import { formatTerms } from "../../compiler/ir/polynomial.js";
import type { Quantity } from "./units.js";

interface RowCommon {
  label: string;
  /** Cells whose model simply has no such thing (a layer it lacks): "—" with no footnote. */
  absent?: boolean[];
}

export interface NumberRow extends RowCommon {
  quantity: Quantity;
  values: (number | null)[];
  /** Show each value's ratio to the first model's. */
  ratio: boolean;
}

export interface TextRow extends RowCommon {
  quantity: "text";
  values: (string | null)[];
  /** Secondary information (printed dim). */
  dim?: boolean;
}

export type Row = NumberRow | TextRow;

export interface Section {
  title: string;
  rows: Row[];
}

export interface Comparison {
  models: { name: string; spec: string }[];
  sections: Section[];
  /** Footnote of each model whose cells are null for a reason, keyed by model index. */
  footnotes: Map<number, string>;
  /** Notes printed under the table. */
  notes: string[];
}

export interface ComparisonOptions {
  batches: readonly number[];
  /** Batch sizes of the predicted latencies (default: `batches`). */
  predictBatches?: readonly number[];
  seqLens: readonly number[];
  perLayer?: boolean;
}

export const PART_LABELS: Record<Part, string> = {
  embeddings: "embeddings (+ projection)", self_attention: "self-attention", span_conv: "span-based dynamic conv",
  attention_output: "attention output + LN", ffn: "feed-forward", pooler: "pooler", mlm_head: "MLM head", cls_head: "classifier head",
};

export function buildComparison(models: readonly ModelSummary[], options: ComparisonOptions): Comparison {
  const sections: Section[] = [];
  const { batches, seqLens } = options;
  const row = (label: string, quantity: Quantity, value: (m: ModelSummary) => number | undefined, ratio = true): NumberRow => ({
    label, quantity, ratio, values: models.map((m) => value(m) ?? null),
  });
  const atL = <T>(record: Record<string, T> | undefined, L: number): T | undefined => record?.[L];

  const params: Row[] = [
    row("backbone", "count", (m) => m.params.backbone),
    row("  embeddings (+ projection)", "count", (m) => m.params.embeddings + m.params.projection),
    row("  encoder layers", "count", (m) => m.params.layers),
  ];
  if (models.some((m) => m.params.pooler > 0)) params.push(row("  pooler", "count", (m) => m.params.pooler));
  params.push(row("task heads", "count", (m) => m.params.heads), row("total", "count", (m) => m.params.total));
  sections.push({ title: "Parameters", rows: params });

  for (const B of batches) {
    const rows: Row[] = [];
    if (B === batches[0]) rows.push({ label: "backbone formula", quantity: "text", dim: true, values: models.map((m) => formatTerms(m.flops.formula.backbone, compact)) });
    for (const L of seqLens) rows.push(row(`backbone, L=${L}`, "flops", (m) => atL(m.flops.byBatch[B], L)?.backbone));
    for (const L of seqLens) rows.push(row(`with task heads, L=${L}`, "flops", (m) => atL(m.flops.byBatch[B], L)?.total));
    sections.push({ title: `FLOPs of one forward, B=${B}`, rows });
  }

  // Shares do not depend on B (every FLOP term is linear in B).
  const B0 = batches[0];
  for (const L of seqLens) {
    const rows: Row[] = [];
    for (const part of BACKBONE_PARTS) {
      const shares = models.map((m) => {
        const at = atL(m.flops.byBatch[B0], L);
        return at ? at.byPart[part] / at.backbone : null;
      });
      if (shares.every((s) => s === null || s === 0)) continue;
      rows.push({ label: `  ${PART_LABELS[part]}`, quantity: "share", ratio: false, values: shares });
    }
    sections.push({ title: `Backbone FLOPs by part, L=${L}`, rows });
  }

  for (const B of batches) {
    const memory = (pick: (m: ModelSummary["memory"]["bySeqLen"][string]) => number) => (m: ModelSummary, L: number) => {
      const at = atL(m.memory.byBatch[B], L);
      return at ? pick(at) : undefined;
    };
    const rows: Row[] = [];
    const add = (label: string, value: (m: ModelSummary, L: number) => number | undefined) => {
      for (const L of seqLens) rows.push(row(`${label}, L=${L}`, "bytes", (m) => value(m, L)));
    };
    add("peak live", memory((x) => x.peakBytes));
    add("  + attention scores", memory((x) => x.peakWithScratchBytes));
    add("memory-plan arena", memory((x) => x.arenaBytes));
    add("sum of intermediates", memory((x) => x.intermediatesBytes));
    sections.push({ title: `Backbone activations, B=${B}, f32`, rows });
  }

  const devices = [...new Map(models.flatMap((m) => m.predicted.map((p) => [p.device, p] as const))).values()];
  for (const device of devices) {
    const rows: Row[] = [];
    for (const B of options.predictBatches ?? batches) {
      for (const L of seqLens) {
        rows.push(row(`B=${B}, L=${L}`, "seconds", (m) => m.predicted.find((p) => p.device === device.device)?.byBatch[B]?.[L]?.seconds));
      }
    }
    const dispatches = models.map((m) => {
      const byBatch = m.predicted.find((p) => p.device === device.device)?.byBatch;
      const first = byBatch ? Object.values(Object.values(byBatch)[0] ?? {})[0] : undefined;
      return first ? first.dispatches : null;
    });
    rows.push({ label: "dispatches", quantity: "count", ratio: true, values: dispatches });
    sections.push({ title: `Predicted latency, ${device.device} (${device.precision})`, rows });
  }

  if (options.perLayer) sections.push(...perLayerSections(models, B0, seqLens));

  const footnotes = new Map<number, string>();
  models.forEach((m, i) => {
    if (m.skippedSeqLens.length > 0) footnotes.set(i, `${m.name}: max_positions ${m.maxPositions}; L=${m.skippedSeqLens.join(", ")} not computed`);
  });
  const notes = [
    "Ratios (×) are to the baseline. A multiply-add is 2 FLOPs; softmax, LayerNorm and GELU conventions: docs/analysis.md.",
    "Memory: the backbone forward after all passes, each value freed at its last use; the arena is the static memory plan.",
  ];
  if (devices.length > 0) {
    notes.push(`Predicted: a roofline over the backbone's WGSL dispatches on ${devices.map((d) => `${d.device} (${d.deviceName})`).join(", ")};`);
    notes.push("achieved fractions per kernel class and a per-dispatch overhead; figures, sources and assumptions: docs/analysis.md.");
  }
  return { models: models.map((m) => ({ name: m.name, spec: m.spec })), sections, footnotes, notes };
}

/** Per layer: the head split, parameters and FLOPs; a model with fewer layers shows no value. */
function perLayerSections(models: readonly ModelSummary[], batch: number, seqLens: readonly number[]): Section[] {
  const depth = Math.max(...models.map((m) => m.perLayer.length));
  const layers = Array.from({ length: depth }, (_, i) => i);
  const absent = (i: number) => models.map((m) => m.perLayer[i] === undefined);
  const split: Row[] = layers.map((i) => ({
    label: `layer ${i}`,
    quantity: "text",
    absent: absent(i),
    values: models.map((m) => {
      const l = m.perLayer[i];
      if (!l) return null;
      const conv = l.convHeads > 0 ? ` K${l.kernelSize}` : "";
      const groups = l.ffnGroups > 1 ? `/${l.ffnGroups}g` : "";
      return `${l.attentionHeads}a+${l.convHeads}c×${l.headSize}${conv} FFN ${l.intermediateSize}${groups}`;
    }),
  }));
  const params: Row[] = layers.map((i) => ({ label: `layer ${i}`, quantity: "count", ratio: true, absent: absent(i), values: models.map((m) => m.perLayer[i]?.params.total ?? null) }));
  const sections: Section[] = [
    { title: "Per layer: attention + conv heads × size, kernel, FFN", rows: split },
    { title: "Per layer: parameters", rows: params },
  ];
  for (const L of seqLens) {
    const rows: Row[] = layers.map((i) => ({ label: `layer ${i}`, quantity: "flops", ratio: true, absent: absent(i), values: models.map((m) => m.perLayer[i]?.flopsBySeqLen[L]?.total ?? null) }));
    sections.push({ title: `Per layer: FLOPs, B=${batch}, L=${L}`, rows });
  }
  return sections;
}

const compact = (n: number) => new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 }).format(n);
