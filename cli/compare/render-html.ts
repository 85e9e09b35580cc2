/** A `Comparison` as an HTML table (the browser example's live view): models as columns, sections as header rows. */
import type { Comparison, Row } from "./comparison.js";
import { rowFormatter } from "./units.js";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function cellsOf(c: Comparison, row: Row): string[] {
  const missing = (i: number) => (row.absent?.[i] || !c.footnotes.has(i) ? "—" : `—<sup>${[...c.footnotes.keys()].sort((a, b) => a - b).indexOf(i) + 1}</sup>`);
  if (row.quantity === "text") return row.values.map((v, i) => (v === null ? missing(i) : escape(v)));
  const format = rowFormatter(row.quantity, row.values);
  const base = row.values[0];
  return row.values.map((v, i) => {
    if (v === null) return missing(i);
    if (row.quantity === "share" && v === 0) return "—";
    const ratio = row.ratio && i > 0 && base !== null && base !== 0 ? ` <span class="ratio ${v / base < 0.995 ? "less" : v / base > 1.005 ? "more" : ""}">×${(v / base).toFixed(2)}</span>` : "";
    return escape(format(v)) + ratio;
  });
}

export function renderHtml(c: Comparison): string {
  const head = `<tr><th></th>${c.models.map((m, i) => `<th>${escape(m.name)}${i === 0 ? " <small>(baseline)</small>" : ""}</th>`).join("")}</tr>`;
  const body = c.sections
    .map((s) => {
      const title = `<tr class="section"><th colspan="${c.models.length + 1}">${escape(s.title)}</th></tr>`;
      const rows = s.rows.map((r) => `<tr><td class="label">${escape(r.label.trim())}</td>${cellsOf(c, r).map((x) => `<td>${x}</td>`).join("")}</tr>`);
      return title + rows.join("");
    })
    .join("");
  const notes = [...c.footnotes.keys()].sort((a, b) => a - b).map((i, n) => `<sup>${n + 1}</sup> ${escape(c.footnotes.get(i)!)}`);
  return `<table class="comparison"><thead>${head}</thead><tbody>${body}</tbody></table><p class="notes">${[...notes, ...c.notes.map(escape)].join("<br>")}</p>`;
}
