/**
 * Chart markers where alerts started: a dotted vertical line at `raisedAt` (in the chart's
 * shifted local time, like the series) with a short label, coloured by severity. Pure.
 */
import type { Annotations, Layout, Shape } from 'plotly.js';
import type { AlertEvent } from '@/lib/alerts/types';
import { CHART_COLORS } from '../charts/theme';

const MAX_MARKS = 30;

export interface AlertMarks {
  shapes: Partial<Shape>[];
  annotations: Partial<Annotations>[];
}

export const NO_MARKS: AlertMarks = { shapes: [], annotations: [] };

/** Markers of the alerts raised in `[endTs - windowMs, endTs]`, newest last (at most 30). */
export function alertMarks(alerts: AlertEvent[], endTs: number, windowMs: number): AlertMarks {
  if (!alerts.length || !endTs) return NO_MARKS;
  const shift = -new Date(endTs).getTimezoneOffset() * 60_000;
  const inView = alerts.filter((a) => a.raisedAt >= endTs - windowMs && a.raisedAt <= endTs).slice(0, MAX_MARKS);
  if (!inView.length) return NO_MARKS;
  const color = (a: AlertEvent) => (a.severity === 'critical' ? CHART_COLORS.bad : CHART_COLORS.warn);
  return {
    shapes: inView.map((a) => ({
      type: 'line',
      name: `alert-${a.id}`,
      xref: 'x',
      yref: 'paper',
      x0: a.raisedAt + shift,
      x1: a.raisedAt + shift,
      y0: 0,
      y1: 1,
      line: { color: color(a), width: 1.5, dash: 'dot' },
      layer: 'above',
    })),
    // Staggered heights, so labels of alerts raised close together do not overprint.
    annotations: inView.map((a, i) => ({
      text: `⚠ ${a.signal}`,
      x: a.raisedAt + shift,
      xref: 'x',
      y: (i % 3) * 0.08,
      yref: 'paper',
      yanchor: 'bottom',
      xanchor: 'left',
      showarrow: false,
      font: { color: color(a), size: 10 },
      hovertext: `${a.severity}: ${a.signal} ${a.direction === 'high' ? 'above' : 'below'} ${a.limit} (${a.value})`,
    })),
  };
}

/** The figure's layout with the markers added to its own shapes and notes. */
export function withAlertMarks(layout: Partial<Layout>, marks: AlertMarks): Partial<Layout> {
  if (!marks.shapes.length) return layout;
  return {
    ...layout,
    shapes: [...(layout.shapes ?? []), ...marks.shapes],
    annotations: [...(layout.annotations ?? []), ...marks.annotations],
  };
}
