/**
 * Measured against predicted, one row per (spec, shape): the measured median
 * as a dot with its min…max as a line, the prediction as a diamond, on a log
 * time axis (predictions and measurements can differ by orders of magnitude).
 */
import { scaleBand, scaleLog } from "d3-scale";
import { escapeXml, legend, px, svgDocument, textWidth, xAxis, type Frame } from "./svg.js";

export interface RangeRow {
  label: string;
  median: number;
  min: number;
  max: number;
  predicted?: number;
}

export interface RangeChartOptions {
  id: string;
  title: string;
  rows: readonly RangeRow[];
  measuredName: string;
  predictedName: string;
  formatValue: (v: number) => string;
  xLabel: string;
  width?: number;
}

export function rangeChart(o: RangeChartOptions): string {
  const width = o.width ?? 560;
  const key = legend([{ name: o.measuredName, color: 0 }, { name: o.predictedName, color: 5 }], 0, 24, width);
  const top = 24 + key.height + 6;
  const left = 12 + Math.max(40, ...o.rows.map((r) => textWidth(r.label)));
  const f: Frame = { width, height: top + 22 * o.rows.length + 44, left, top, right: 16, bottom: 44 };
  const values = o.rows.flatMap((r) => [r.min, r.max, ...(r.predicted !== undefined ? [r.predicted] : [])]).filter((v) => v > 0);
  const x = scaleLog().domain([Math.min(...values), Math.max(...values)]).range([f.left, f.width - f.right]).nice();
  const y = scaleBand<number>().domain(o.rows.map((_, i) => i)).range([f.top, f.height - f.bottom]).padding(0.3);
  const rows = o.rows
    .map((r, i) => {
      const cy = px(y(i)! + y.bandwidth() / 2);
      const measured =
        `<line class="stroke-0 whisker" x1="${px(x(r.min))}" x2="${px(x(r.max))}" y1="${cy}" y2="${cy}"/>` +
        `<circle class="fill-0" cx="${px(x(r.median))}" cy="${cy}" r="4.5"><title>${escapeXml(`${r.label}: measured median ${o.formatValue(r.median)} (${o.formatValue(r.min)} … ${o.formatValue(r.max)})`)}</title></circle>`;
      const predicted =
        r.predicted === undefined
          ? ""
          : `<path class="fill-5" d="M${px(x(r.predicted))} ${cy - 6}l6 6-6 6-6-6z"><title>${escapeXml(`${r.label}: predicted ${o.formatValue(r.predicted)}, ${(r.predicted / r.median).toFixed(2)}× the measured median`)}</title></path>`;
      return `<g class="range-row"><text class="category" x="${f.left - 6}" y="${cy + 4}" text-anchor="end">${escapeXml(r.label)}</text>${measured}${predicted}</g>`;
    })
    .join("");
  const ticks = x.ticks(4).filter((t) => Number.isInteger(Math.log10(t)) || x.ticks(4).length <= 6);
  const axis = xAxis(f, ticks.map((v) => ({ value: v, label: o.formatValue(v) })), (v) => px(x(v)), o.xLabel);
  return svgDocument(o.id, "ranges", o.title, f, key.svg + axis + rows);
}
