/**
 * The console's chart look in one place, so every Plotly chart shares it. The colours are the
 * page's theme's (lib/display/themes, set on `<html data-theme>` before the first paint): each
 * property reads the current theme when a figure is built, so figure code stays theme-agnostic.
 * Colors are fixed by position, not by signal name: the catalog decides the signals.
 */
import type { Layout, LayoutAxis } from 'plotly.js';
import { CHART_PALETTES, currentTheme, type ChartPalette } from '@/lib/display/themes';

const palette = (): ChartPalette => CHART_PALETTES[currentTheme()];

export const CHART_COLORS = {
  get text() {
    return palette().text;
  },
  get muted() {
    return palette().muted;
  },
  get grid() {
    return palette().grid;
  },
  get accent() {
    return palette().accent;
  },
  get band() {
    return palette().band;
  },
  get bad() {
    return palette().bad;
  },
  get badFill() {
    return palette().badFill;
  },
  get warn() {
    return palette().warn;
  },
  get annotation() {
    return palette().annotation;
  },
  get annotationFill() {
    return palette().annotationFill;
  },
};

/** Series colour `i` (catalog order) of the current theme's colour-blind-safe palette. */
export function seriesColor(i: number): string {
  const series = palette().series;
  return series[i % series.length]!;
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

/** Axis colours of the current theme (getters: read when spread into a figure's layout). */
export const baseAxis: Partial<LayoutAxis> = {
  get gridcolor() {
    return CHART_COLORS.grid;
  },
  get zerolinecolor() {
    return CHART_COLORS.grid;
  },
  get linecolor() {
    return CHART_COLORS.grid;
  },
  get tickfont() {
    return { color: CHART_COLORS.muted, size: 11 };
  },
};

/** What every chart of the console shares: transparent background, the console's font and hover colours. */
export function chartFrame(uirevision: string): Partial<Layout> {
  return {
    uirevision,
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: CHART_COLORS.text, size: 12, family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    hoverlabel: { bgcolor: palette().hoverBg, bordercolor: CHART_COLORS.grid, font: { color: CHART_COLORS.text } },
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
