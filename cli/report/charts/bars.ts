/**
 * Horizontal stacked bars: one bar per category, one segment per key
 * (parameters by part, FLOP shares, heads per layer). `normalize` turns each
 * bar into shares of 100 %. Optional text at the right end of each bar.
 */
import { scaleBand, scaleLinear } from "d3-scale";
import { escapeXml, legend, px, svgDocument, textWidth, xAxis, type Frame, type LegendEntry } from "./svg.js";

export interface StackedBarOptions {
  id: string;
  title: string;
  categories: readonly string[];
  keys: readonly LegendEntry[];
  /** values[category][key] */
  values: readonly (readonly number[])[];
  formatValue: (v: number) => string;
  xLabel: string;
  normalize?: boolean;
  /** Text after each bar. */
  annotations?: readonly string[];
  width?: number;
  barHeight?: number;
}

export function stackedBars(o: StackedBarOptions): string {
  const width = o.width ?? 560;
  const key = legend(o.keys, 0, 24, width);
  const top = 24 + key.height + 6;
  const band = o.barHeight ?? 22;
  const left = 12 + Math.max(40, ...o.categories.map((c) => textWidth(c)));
  const right = 12 + Math.max(0, ...(o.annotations ?? []).map((a) => textWidth(a)));
  const f: Frame = { width, height: top + band * o.categories.length + 44, left, top, right, bottom: 44 };
  const totals = o.values.map((row) => row.reduce((a, b) => a + b, 0));
  const x = scaleLinear().domain([0, o.normalize ? 1 : Math.max(...totals, 0)]).range([f.left, f.width - f.right]);
  if (!o.normalize) x.nice();
  const y = scaleBand<number>().domain(o.categories.map((_, i) => i)).range([f.top, f.height - f.bottom]).padding(0.2);
  const ticks = o.normalize ? [0, 0.25, 0.5, 0.75, 1] : x.ticks(5);
  const bars = o.categories
    .map((category, i) => {
      let start = 0;
      const segments = o.keys
        .map((k, j) => {
          const raw = o.values[i][j];
          const value = o.normalize ? (totals[i] === 0 ? 0 : raw / totals[i]) : raw;
          const x0 = x(start);
          start += value;
          const w = x(start) - x0;
          if (raw === 0) return "";
          const share = totals[i] === 0 ? 0 : raw / totals[i];
          const label = o.normalize ? `${(100 * value).toFixed(0)} %` : o.formatValue(raw);
          const inside = w > textWidth(label) + 6 ? `<text class="segment-label" x="${px(x0 + w / 2)}" y="${px(y(i)! + y.bandwidth() / 2 + 4)}" text-anchor="middle">${escapeXml(label)}</text>` : "";
          return (
            `<rect class="fill-${k.color % 8}" x="${px(x0)}" y="${px(y(i)!)}" width="${px(Math.max(w, 0))}" height="${px(y.bandwidth())}">` +
            `<title>${escapeXml(`${category} · ${k.name}: ${o.formatValue(raw)} (${(100 * share).toFixed(1)} %)`)}</title></rect>${inside}`
          );
        })
        .join("");
      const note = o.annotations?.[i] ? `<text class="annotation" x="${px(x(o.normalize ? 1 : totals[i]) + 6)}" y="${px(y(i)! + y.bandwidth() / 2 + 4)}">${escapeXml(o.annotations[i])}</text>` : "";
      return `<g class="bar"><text class="category" x="${f.left - 6}" y="${px(y(i)! + y.bandwidth() / 2 + 4)}" text-anchor="end">${escapeXml(category)}</text>${segments}${note}</g>`;
    })
    .join("");
  const axis = xAxis(f, ticks.map((v) => ({ value: v, label: o.normalize ? `${Math.round(v * 100)} %` : o.formatValue(v) })), (v) => px(x(v)), o.xLabel);
  return svgDocument(o.id, "stacked-bars", o.title, f, key.svg + axis + bars);
}
