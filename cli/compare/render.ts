/**
 * Renderers of a `Comparison`: a terminal table (models as columns, or
 * transposed: one small table per section with models as rows, for many
 * specs on a narrow terminal), markdown and CSV.
 */
import Table from "cli-table3";
import pc from "picocolors";
import type { Comparison, Row, Section } from "./comparison.js";
import { BASE_UNIT, rowFormatter } from "./units.js";

const SUPERSCRIPTS = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];
const superscript = (n: number) => String(n).split("").map((d) => SUPERSCRIPTS[Number(d)]).join("");

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  section(s: string): string;
  ratio(text: string, r: number): string;
}

const PLAIN: Style = { bold: (s) => s, dim: (s) => s, section: (s) => s, ratio: (t) => t };
const COLOR: Style = {
  bold: pc.bold,
  dim: pc.dim,
  section: (s) => pc.bold(pc.cyan(s)),
  // Green when smaller than the baseline, yellow when larger.
  ratio: (t, r) => (r < 0.995 ? pc.green(t) : r > 1.005 ? pc.yellow(t) : pc.dim(t)),
};

/** The text of every cell of a row: value (+ ratio), "—" + footnote where a model has no value. */
function cells(c: Comparison, row: Row, style: Style, withRatio = true): string[] {
  const missing = (i: number) => {
    const note = row.absent?.[i] ? undefined : footnoteNumber(c, i);
    return style.dim("—") + (note ? superscript(note) : "");
  };
  if (row.quantity === "text") return row.values.map((v, i) => (v === null ? missing(i) : row.dim ? style.dim(v) : v));
  const format = rowFormatter(row.quantity, row.values);
  const base = row.values[0];
  return row.values.map((v, i) => {
    if (v === null) return missing(i);
    if (row.quantity === "share" && v === 0) return style.dim("—");
    const text = format(v);
    if (!row.ratio || !withRatio || i === 0 || base === null) return text;
    if (base === 0) return `${text} ${style.dim("(—)")}`;
    const r = v / base;
    return `${text} ${style.ratio(`×${r.toFixed(2)}`, r)}`;
  });
}

function footnoteNumber(c: Comparison, model: number): number | undefined {
  const keys = [...c.footnotes.keys()].sort((a, b) => a - b);
  const at = keys.indexOf(model);
  return at < 0 ? undefined : at + 1;
}

function footnoteLines(c: Comparison): string[] {
  return [...c.footnotes.keys()].sort((a, b) => a - b).map((i, n) => `${superscript(n + 1)} ${c.footnotes.get(i)}`);
}

/** Models as columns, one row per quantity: the default layout. */
export function renderColumns(c: Comparison, color = true): string {
  const style = color ? COLOR : PLAIN;
  const table = new Table({
    head: ["", ...c.models.map((m, i) => `${style.bold(m.name)}${i === 0 ? style.dim(" (baseline)") : ""}\n${style.dim(m.spec)}`)],
    colAligns: ["left", ...c.models.map(() => "right" as const)],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" }, // no rule between rows: sections are enough
  });
  c.sections.forEach((section, s) => {
    if (s > 0) table.push(["", ...c.models.map(() => "")]); // a blank line between sections
    table.push([style.section(section.title), ...c.models.map(() => "")]);
    for (const row of section.rows) table.push([row.label, ...cells(c, row, style)]);
  });
  return [table.toString(), ...footnoteLines(c), style.dim(c.notes.join("\n"))].join("\n");
}

/**
 * Models as rows: one small table per section, its quantities as columns;
 * a section too wide for `width` is split into several tables of fewer columns.
 */
export function renderRows(c: Comparison, color = true, width = Infinity): string {
  const style = color ? COLOR : PLAIN;
  const blocks = c.sections.flatMap((section) => {
    const whole = sectionTable(c, section, style);
    if (textWidth(whole) <= width || section.rows.length === 1) return [whole];
    // Greedy: as many columns per table as fit (at least one).
    const parts: string[] = [];
    let rows: Row[] = [];
    for (const row of section.rows) {
      const candidate = sectionTable(c, { ...section, rows: [...rows, row] }, style);
      if (rows.length > 0 && textWidth(candidate) > width) {
        parts.push(sectionTable(c, { ...section, rows }, style));
        rows = [row];
      } else rows.push(row);
    }
    parts.push(sectionTable(c, { ...section, rows }, style));
    return parts.map((p, i) => (i === 0 ? p : p.replace(section.title, `${section.title} (continued)`)));
  });
  return [...blocks, ...footnoteLines(c), style.dim(c.notes.join("\n"))].join("\n");
}

function sectionTable(c: Comparison, section: Section, style: Style): string {
  const table = new Table({
    head: ["model", ...section.rows.map((r) => r.label.trim())],
    colAligns: ["left", ...section.rows.map((r) => (r.quantity === "text" ? ("left" as const) : ("right" as const)))],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  const columns = section.rows.map((row) => cells(c, row, style));
  c.models.forEach((m, i) => table.push([i === 0 ? `${m.name}${style.dim(" (baseline)")}` : m.name, ...columns.map((col) => col[i])]));
  return `${style.section(section.title)}\n${table.toString()}`;
}

/** Width in terminal columns of the widest line (ANSI colours excluded). */
export function textWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(...text.split("\n").map((line) => [...line.replace(/\x1b\[[0-9;]*m/g, "")].length));
}

/** A markdown table, models as columns, sections as bold rows. */
export function renderMarkdown(c: Comparison): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    `| | ${c.models.map((m, i) => `${escape(m.name)}${i === 0 ? " (baseline)" : ""}`).join(" | ")} |`,
    `|---|${c.models.map(() => "---:").join("|")}|`,
  ];
  for (const section of c.sections) {
    lines.push(`| **${escape(section.title)}** |${c.models.map(() => " ").join("|")}|`);
    for (const row of section.rows) {
      const label = row.label.startsWith("  ") ? `&emsp;${row.label.trim()}` : row.label;
      lines.push(`| ${escape(label)} | ${cells(c, row, PLAIN).map(escape).join(" | ")} |`);
    }
  }
  return [...lines, "", ...footnoteLines(c).map((l) => `${l}  `), ...c.notes.map((n) => `${n}  `)].join("\n").trimEnd();
}

/** CSV, one line per quantity, values in base units (FLOP, bytes, s, fraction) with no ratio. */
export function renderCsv(c: Comparison): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [["section", "quantity", "unit", ...c.models.map((m) => m.spec)].map(quote).join(",")];
  for (const section of c.sections) {
    for (const row of section.rows) {
      const unit = row.quantity === "text" ? "" : BASE_UNIT[row.quantity];
      const values = row.values.map((v) => (v === null ? "" : String(v)));
      lines.push([section.title, row.label.trim(), unit, ...values].map(quote).join(","));
    }
  }
  return lines.join("\n");
}
