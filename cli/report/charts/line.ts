/** A line chart of several series over a numeric x (log₂ for sequence lengths), y linear or log. */
import { scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { escapeXml, legend, px, svgDocument, textWidth, xAxis, yAxis, type Frame, type LegendEntry } from "./svg.js";

export interface LinePoint {
  x: number;
  y: number;
  /** Hover text (an SVG <title>). */
  note?: string;
}

export interface LineSeries {
  name: string;
  color: number;
  points: LinePoint[];
  dashed?: boolean;
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  formatY: (y: number) => string;
  /** x on a log₂ axis (sequence lengths). */
  xLog?: boolean;
  yLog?: boolean;
  /** Tick values for y (default: d3's). */
  yTicks?: (domain: [number, number]) => number[];
  width?: number;
  height?: number;
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const plotHeight = o.height ?? 240;
  const entries: LegendEntry[] = o.series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed }));
  const key = legend(entries, 0, 24, width);
  const points = o.series.flatMap((s) => s.points);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y).filter((y) => !o.yLog || y > 0);
  const top = 24 + key.height + 6;
  const yDomain: [number, number] = o.yLog ? [Math.min(...ys), Math.max(...ys)] : [0, Math.max(...ys, 0)];
  const y = (o.yLog ? scaleLog().domain(yDomain) : scaleLinear().domain(yDomain)).nice();
  const yTicks = o.yTicks ? o.yTicks(y.domain() as [number, number]) : y.ticks(o.yLog ? 6 : 5).filter((t, i, all) => !o.yLog || all.length <= 8 || Number.isInteger(Math.log10(t)));
  const left = 16 + Math.max(30, ...yTicks.map((t) => textWidth(o.formatY(t))));
  const f: Frame = { width, height: top + plotHeight + 40, left, top, right: 16, bottom: 40 };
  y.range([f.height - f.bottom, f.top]);
  const x = (o.xLog ? scaleLog().base(2) : scaleLinear()).domain([Math.min(...xs), Math.max(...xs)]).range([f.left, f.width - f.right]);
  const xTicks = o.xLog ? [...new Set(xs)].sort((a, b) => a - b) : x.ticks(6);
  const draw = line<LinePoint>().x((p) => px(x(p.x))).y((p) => px(y(p.y)));
  const paths = o.series
    .map((s) => {
      const pts = s.points.filter((p) => !o.yLog || p.y > 0);
      const dots = pts
        .map((p) => `<circle class="fill-${s.color % 8}" cx="${px(x(p.x))}" cy="${px(y(p.y))}" r="3"><title>${escapeXml(`${s.name}: ${p.note ?? o.formatY(p.y)} at ${p.x}`)}</title></circle>`)
        .join("");
      return `<g class="series"><path class="line stroke-${s.color % 8}"${s.dashed ? ' stroke-dasharray="5 3"' : ""} d="${draw(pts) ?? ""}"/>${dots}</g>`;
    })
    .join("");
  const body =
    key.svg +
    xAxis(f, xTicks.map((v) => ({ value: v, label: String(v) })), (v) => px(x(v)), o.xLabel) +
    yAxis(f, yTicks.map((v) => ({ value: v, label: o.formatY(v) })), (v) => px(y(v)), o.yLabel) +
    paths;
  return svgDocument(o.id, "line", o.title, f, body);
}
