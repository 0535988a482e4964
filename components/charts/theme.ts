/**
 * The console's chart look (dark, matching app/globals.css) in one place, so every Plotly chart
 * shares it. Colors are fixed by position, not by signal name: the catalog decides the signals.
 */
import type { Layout, LayoutAxis } from 'plotly.js';

export const CHART_COLORS = {
  text: '#e6edf3',
  muted: '#8b98a8',
  grid: '#2a3544',
  accent: '#3fa9f5',
  band: 'rgba(63, 169, 245, 0.18)',
  bad: '#f85149',
  badFill: 'rgba(248, 81, 73, 0.12)',
} as const;

/** Series colors, in catalog order. */
export const SERIES_COLORS = ['#f0883e', '#3fa9f5', '#a371f7', '#3fb950', '#d29922', '#db61a2'] as const;

export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for Plotly: it reads titles, legend names and hover text as a subset of HTML, so a label
 * from twin.json such as `<a href=...>` would become a live link. Entities show as the characters.
 */
export function plotText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A signal, feature or target with its label and unit made safe for Plotly (see `plotText`). */
export function plotSafe<T extends { label: string; unit: string }>(item: T): T {
  return { ...item, label: plotText(item.label), unit: plotText(item.unit) };
}

export function axisTitle(label: string, unit: string): string {
  return unit ? `${label} (${unit})` : label;
}

export const baseAxis: Partial<LayoutAxis> = {
  gridcolor: CHART_COLORS.grid,
  zerolinecolor: CHART_COLORS.grid,
  linecolor: CHART_COLORS.grid,
  tickfont: { color: CHART_COLORS.muted, size: 11 },
};

/** What every chart of the console shares: transparent background, the console's font and hover colours. */
export function chartFrame(uirevision: string): Partial<Layout> {
  return {
    uirevision,
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: CHART_COLORS.text, size: 12, family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    hoverlabel: { bgcolor: '#1d2632', bordercolor: CHART_COLORS.grid, font: { color: CHART_COLORS.text } },
  };
}

/** A time-series layout: the chart frame, unified hover, legend on top. */
export function baseLayout(uirevision: string): Partial<Layout> {
  return {
    ...chartFrame(uirevision),
    margin: { l: 64, r: 24, t: 36, b: 40 },
    hovermode: 'x unified',
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', font: { size: 11 } },
    xaxis: { ...baseAxis, type: 'date', autorange: true, showspikes: false },
  };
}
