/**
 * What every chart shares: SVG text escaping, the frame (title, legend,
 * plot area), axes with ticks from d3-scale, and the series palette. Charts
 * are SVG strings: no script runs in the report, they print as drawn, and
 * colours come from CSS variables (chart-css.ts), so light and dark mode are
 * one stylesheet away.
 */

export const PALETTE_SIZE = 8;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A rough width of a label in the chart font (11-12 px sans-serif), for layout without a DOM. */
export function textWidth(text: string, fontSize = 11): number {
  return text.length * fontSize * 0.58;
}

export interface LegendEntry {
  name: string;
  /** Palette index. */
  color: number;
  /** Drawn as a dashed line instead of a swatch. */
  dashed?: boolean;
}

export interface Frame {
  width: number;
  height: number;
  /** Plot area inside the frame. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Legend entries laid out left to right, wrapping at `width`; returns the SVG and its height. */
export function legend(entries: readonly LegendEntry[], x: number, y: number, width: number): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  for (const e of entries) {
    const w = 18 + textWidth(e.name) + 14;
    if (cx + w > x + width && cx > x) {
      cx = x;
      cy += 16;
    }
    const mark = e.dashed
      ? `<line class="stroke-${e.color % PALETTE_SIZE}" x1="${cx}" x2="${cx + 12}" y1="${cy + 6}" y2="${cy + 6}" stroke-width="2" stroke-dasharray="4 2"/>`
      : `<rect class="fill-${e.color % PALETTE_SIZE}" x="${cx}" y="${cy + 1}" width="12" height="10" rx="2"/>`;
    parts.push(`<g class="legend-entry">${mark}<text x="${cx + 16}" y="${cy + 10}">${escapeXml(e.name)}</text></g>`);
    cx += w;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: entries.length === 0 ? 0 : cy - y + 18 };
}

/** The outer <svg> with a title and an accessible description. */
export function svgDocument(id: string, kind: string, title: string, frame: Frame, body: string): string {
  return (
    `<svg class="chart" data-chart="${escapeXml(id)}" data-kind="${kind}" role="img" aria-labelledby="${escapeXml(id)}-title" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeXml(id)}-title">${escapeXml(title)}</title>` +
    `<text class="chart-title" x="0" y="14">${escapeXml(title)}</text>${body}</svg>`
  );
}

export interface Tick {
  value: number;
  label: string;
}

/** Horizontal axis at the bottom of the plot area, with grid lines. */
export function xAxis(f: Frame, ticks: readonly Tick[], at: (v: number) => number, label: string): string {
  const y = f.height - f.bottom;
  const marks = ticks
    .map((t) => {
      const x = at(t.value);
      return `<line class="grid" x1="${x}" x2="${x}" y1="${f.top}" y2="${y}"/><text class="tick" x="${x}" y="${y + 14}" text-anchor="middle">${escapeXml(t.label)}</text>`;
    })
    .join("");
  return `<g class="axis x">${marks}<line class="axis-line" x1="${f.left}" x2="${f.width - f.right}" y1="${y}" y2="${y}"/><text class="axis-label" x="${(f.left + f.width - f.right) / 2}" y="${y + 30}" text-anchor="middle">${escapeXml(label)}</text></g>`;
}

/** Vertical axis at the left of the plot area, with grid lines. */
export function yAxis(f: Frame, ticks: readonly Tick[], at: (v: number) => number, label: string): string {
  const marks = ticks
    .map((t) => {
      const y = at(t.value);
      return `<line class="grid" x1="${f.left}" x2="${f.width - f.right}" y1="${y}" y2="${y}"/><text class="tick" x="${f.left - 6}" y="${y + 4}" text-anchor="end">${escapeXml(t.label)}</text>`;
    })
    .join("");
  const midY = (f.top + f.height - f.bottom) / 2;
  return `<g class="axis y">${marks}<line class="axis-line" x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.height - f.bottom}"/><text class="axis-label" transform="translate(12 ${midY}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text></g>`;
}

/** Round to 0.1 px: shorter SVG, same picture. */
export const px = (n: number): number => Math.round(n * 10) / 10;
