/**
 * The charts' stylesheet: the palette (Okabe–Ito, distinguishable with the
 * common colour-vision deficiencies) as CSS variables with a dark-mode
 * variant, text and grid colours from the page's foreground.
 */
export const CHART_CSS = `
:root { --c0:#0072b2; --c1:#e69f00; --c2:#009e73; --c3:#cc79a7; --c4:#56b4e9; --c5:#d55e00; --c6:#8c6d1f; --c7:#6b6b6b; --chart-fg:#1f2328; --chart-grid:#d8dee4; }
@media (prefers-color-scheme: dark) {
  :root { --c0:#56b4e9; --c1:#f0b440; --c2:#2fc59a; --c3:#e39ccb; --c4:#8fd3ff; --c5:#ff7a3d; --c6:#d9b95b; --c7:#a0a0a0; --chart-fg:#e6edf3; --chart-grid:#30363d; }
  svg.chart .segment-label { fill: #0d1117 !important; }
}
svg.chart { max-width: 100%; height: auto; font: 11px system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--chart-fg); overflow: visible; }
svg.chart text { fill: var(--chart-fg); }
svg.chart .chart-title { font-weight: 600; font-size: 13px; }
svg.chart .grid { stroke: var(--chart-grid); stroke-width: 1; }
svg.chart .axis-line { stroke: var(--chart-fg); stroke-width: 1; }
svg.chart .axis-label, svg.chart .annotation { opacity: 0.8; }
svg.chart .line { fill: none; stroke-width: 2; }
svg.chart .whisker { stroke-width: 2; }
svg.chart .segment-label { fill: #fff; font-size: 10px; }
${Array.from({ length: 8 }, (_, i) => `svg.chart .fill-${i} { fill: var(--c${i}); } svg.chart .stroke-${i} { stroke: var(--c${i}); }`).join("\n")}
`;
