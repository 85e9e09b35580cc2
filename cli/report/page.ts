/**
 * The report as one self-contained HTML file: inline CSS (light and dark via
 * prefers-color-scheme, print rules), inline SVG charts, no script and no
 * network access, so it opens anywhere, prints as shown and can be mailed.
 */
import type { Device } from "../../compiler/analysis/devices.js";
import type { ModelSummary } from "../../compiler/analysis/summary.js";
import type { BenchResults } from "../bench/results.js";
import { rowFormatter } from "../compare/units.js";
import { CHART_CSS } from "./charts/chart-css.js";
import { escapeXml as escape } from "./charts/svg.js";
import type { Figure } from "./sections.js";

export interface PageInput {
  title: string;
  createdAt: string;
  models: readonly ModelSummary[];
  batch: number;
  devices: readonly Device[];
  bench?: BenchResults;
  sections: { heading: string; intro?: string; figures: Figure[] }[];
}

const PAGE_CSS = `
:root { color-scheme: light dark; --fg:#1f2328; --bg:#ffffff; --muted:#59636e; --rule:#d8dee4; --panel:#f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#9198a1; --rule:#30363d; --panel:#161b22; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
.meta, figcaption, .note { color: var(--muted); font-size: 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
figure { margin: 0; padding: 12px; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; break-inside: avoid; }
figcaption { margin-top: 6px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: right; vertical-align: top; white-space: nowrap; }
td.source, .devices td { white-space: normal; }
th { white-space: normal; }
th:first-child, td:first-child, td.text { text-align: left; }
.devices th { font-weight: normal; text-align: left; }
td.source { text-align: left; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.devices { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
.devices table { width: 100%; table-layout: fixed; } .devices th:first-child { width: 28%; } .devices td:nth-child(2) { width: 22%; }
.devices h3 { font-size: 14px; margin: 8px 0 0; }
code { font-size: 12px; }
.wide { overflow-x: auto; }
@media print {
  :root { --fg:#000; --bg:#fff; --muted:#444; --rule:#bbb; --panel:#fff; color-scheme: light; }
  body { max-width: none; padding: 0; font-size: 11px; }
  .figures { display: block; }
  figure { margin: 0 0 12px; border: none; padding: 0; page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

export function renderPage(p: PageInput): string {
  const figures = p.sections
    .filter((s) => s.figures.length > 0)
    .map(
      (s) =>
        `<section><h2>${escape(s.heading)}</h2>${s.intro ? `<p class="note">${escape(s.intro)}</p>` : ""}<div class="figures">` +
        s.figures.map((f) => `<figure id="fig-${escape(f.id)}">${f.svg}<figcaption>${escape(f.caption)}</figcaption></figure>`).join("") +
        `</div></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="convspec report">
<title>${escape(p.title)}</title>
<style>${PAGE_CSS}${CHART_CSS}</style>
</head>
<body>
<header><h1>${escape(p.title)}</h1>
<p class="meta">${p.models.length} model(s) · generated ${escape(p.createdAt)} by <code>convspec report</code> · the first model is the baseline of the ratios</p></header>
<section><h2>Summary</h2>${summaryTable(p)}</section>
${figures}
${p.devices.length > 0 ? `<section><h2>Device profiles and sources</h2>${deviceTable(p.devices)}</section>` : ""}
<footer class="note"><p>Counts come from the IR (compiler/analysis), conventions in docs/analysis.md. Predictions are a roofline over the backbone's WGSL dispatches: time = dispatch overhead + max(FLOPs / (peak · achieved fraction), bytes / (bandwidth · achieved fraction)), slowed by the share of compute units a dispatch's workgroups fill; achieved fractions are per kernel class and, for GPUs, assumptions until a device run calibrates them.</p></footer>
</body>
</html>
`;
}

function summaryTable(p: PageInput): string {
  const L = [128, ...p.models.flatMap((m) => Object.keys(m.flops.bySeqLen).map(Number))].find((l) => p.models.some((m) => m.flops.bySeqLen[l]))!;
  const cell = (m: ModelSummary, v: number | undefined, f: (n: number) => string) => (v === undefined ? "—" : f(v));
  const flops = rowFormatter("flops", p.models.map((m) => m.flops.bySeqLen[L]?.backbone ?? null));
  const bytes = rowFormatter("bytes", p.models.map((m) => m.memory.bySeqLen[L]?.peakWithScratchBytes ?? null));
  const head = ["model (spec)", "layers", "backbone params", "FLOPs", "peak memory", ...p.devices.map((d) => `predicted ${d.id}`)];
  const measured = p.bench?.results.filter((c) => c.batch === p.batch && c.seqLen === L) ?? [];
  if (measured.length > 0) head.push(`measured ${p.bench!.executor}`);
  const predictedAt = (m: ModelSummary, device: string) => m.predicted.find((x) => x.device === device)?.byBatch[p.batch]?.[L]?.seconds;
  const seconds = p.devices.map((d) => rowFormatter("seconds", p.models.map((m) => predictedAt(m, d.id) ?? null)));
  const measuredSeconds = rowFormatter("seconds", measured.map((c) => c.medianMs / 1e3));
  const rows = p.models.map((m) => {
    const predicted = p.devices.map((d, i) => cell(m, predictedAt(m, d.id), seconds[i]));
    const bench = measured.find((c) => c.model === m.name);
    const cells = [
      `<td class="text">${escape(m.name)}<br><code class="note">${escape(m.spec)}</code></td>`, `<td>${m.layers}</td>`,
      `<td>${m.params.backbone.toLocaleString("en-US")}</td>`, `<td>${cell(m, m.flops.bySeqLen[L]?.backbone, flops)}</td>`,
      `<td>${cell(m, m.memory.bySeqLen[L]?.peakWithScratchBytes, bytes)}</td>`, ...predicted.map((t) => `<td>${t}</td>`),
    ];
    if (measured.length > 0) cells.push(`<td>${bench ? measuredSeconds(bench.medianMs / 1e3) : "—"}</td>`);
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<div class="wide"><table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div><p class="note">B=${p.batch}, L=${L}; memory: peak live activations with attention scores, f32; predicted: the roofline cost model (below).</p>`;
}

/** Per device: each figure, its value and its source. */
function deviceTable(devices: readonly Device[]): string {
  const source = (f: { source: string; url?: string }) => `${escape(f.source)}${f.url ? ` <a href="${escape(f.url)}">${escape(f.url)}</a>` : ""}`;
  const blocks = devices.map((d) => {
    const rows: [string, string, string][] = [
      ["fp32 peak", rowFormatter("flops", [d.peakFlops.fp32.value])(d.peakFlops.fp32.value) + "/s", source(d.peakFlops.fp32)],
      ["memory bandwidth", `${(d.memoryBandwidth.value / 1e9).toFixed(0)} GB/s`, source(d.memoryBandwidth)],
      ["compute units", String(d.computeUnits.value), source(d.computeUnits)],
      ["per-dispatch overhead", `${(d.dispatchOverhead.value * 1e6).toFixed(0)} µs`, source(d.dispatchOverhead)],
      ["achieved fractions (compute / memory)", Object.entries(d.classes).map(([k, c]) => `${k} ${c.compute} / ${c.memory}`).join("<br>"), escape(d.efficiencySource)],
    ];
    const body = rows.map(([what, value, src]) => `<tr><th>${what}</th><td>${value}</td><td class="source">${src}</td></tr>`).join("");
    return `<div><h3>${escape(d.id)}: ${escape(d.name)}</h3><table>${body}</table></div>`;
  });
  return `<div class="devices">${blocks.join("")}</div>`;
}
