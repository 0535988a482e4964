/**
 * Plotly figures of the what-if explorer: one sensitivity curve per feature (prediction with its
 * band across the feature's valid range, the current value marked) and the heatmap over the
 * first two features. Labels and units come from the model package.
 */
import type { Data, Layout, Shape } from 'plotly.js';
import { stepDecimals, type Curve, type GridPlan, type WhatIfFeature } from '@/lib/what-if/inputs';
import { axisTitle, baseAxis, CHART_COLORS, chartFrame, plotSafe, seriesColor } from '../charts/theme';
import { formatNumber } from '../dashboard/format';

export interface Target {
  name: string;
  label: string;
  unit: string;
}

/** Alert limits of the prediction (twin.json `alerts.prediction`). */
export interface Limits {
  low: number;
  high: number;
}

function layoutBase(uirevision: string): Partial<Layout> {
  return { ...chartFrame(uirevision), showlegend: false };
}

const unitSuffix = (unit: string) => (unit ? ` ${unit}` : '');

function limitLine(y: number, label: string): { shape: Partial<Shape>; note: Partial<Layout['annotations'][number]> } {
  return {
    shape: {
      type: 'line',
      xref: 'paper',
      x0: 0,
      x1: 1,
      yref: 'y',
      y0: y,
      y1: y,
      line: { color: CHART_COLORS.bad, width: 1, dash: 'dot' },
      layer: 'below',
    },
    note: {
      text: label,
      xref: 'paper',
      x: 1,
      xanchor: 'right',
      yref: 'y',
      y,
      yanchor: 'bottom',
      showarrow: false,
      font: { color: CHART_COLORS.bad, size: 10 },
    },
  };
}

/**
 * A feature's curve: band (lower without width, upper filled to it), prediction line, a dashed
 * line at the slider value and a marker at the current prediction there. The alert limits that
 * fall inside the curve's span are drawn as dotted lines.
 */
export function curveFigure(
  curve: Curve,
  rawFeature: WhatIfFeature,
  index: number,
  rawTarget: Target,
  current: { value: number; prediction: number | null },
  limits: Limits | null,
  /** The "Find best" recommendation for this feature, marked with a star. */
  recommended: { value: number; prediction: number } | null = null,
): { data: Data[]; layout: Partial<Layout> } {
  const feature = plotSafe(rawFeature);
  const target = plotSafe(rawTarget);
  const tu = unitSuffix(target.unit);
  const fu = unitSuffix(feature.unit);
  const xd = Math.max(0, Math.min(3, Math.ceil(-Math.log10(feature.step))));
  const color = seriesColor(index);
  const data: Data[] = [
    { type: 'scatter', uid: 'lower', x: curve.x, y: curve.lower, mode: 'lines', line: { width: 0 }, hoverinfo: 'skip' },
    {
      type: 'scatter',
      uid: 'upper',
      x: curve.x,
      y: curve.upper,
      mode: 'lines',
      line: { width: 0 },
      fill: 'tonexty',
      fillcolor: CHART_COLORS.band,
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      uid: 'prediction',
      name: `${target.label} predicted`,
      x: curve.x,
      y: curve.prediction,
      customdata: curve.lower.map((l, i) => [l, curve.upper[i] ?? null]) as unknown as number[],
      mode: 'lines',
      line: { color: CHART_COLORS.accent, width: 2 },
      hovertemplate: `${feature.label} %{x:.${xd}f}${fu}<br>${target.label} %{y:.1f}${tu} [%{customdata[0]:.1f}–%{customdata[1]:.1f}]<extra></extra>`,
    },
  ];
  if (current.prediction !== null) {
    data.push({
      type: 'scatter',
      uid: 'current',
      name: 'current',
      x: [current.value],
      y: [current.prediction],
      mode: 'markers',
      marker: { color, size: 10, line: { color: '#0f1419', width: 2 } },
      hovertemplate: `current: ${feature.label} %{x:.${xd}f}${fu}, ${target.label} %{y:.1f}${tu}<extra></extra>`,
    });
  }
  if (recommended) {
    data.push({
      type: 'scatter',
      uid: 'recommended',
      name: 'recommended',
      x: [recommended.value],
      y: [recommended.prediction],
      mode: 'markers',
      marker: { symbol: 'star', color: '#ffd166', size: 15, line: { color: '#0f1419', width: 1.5 } },
      hovertemplate: `recommended: ${feature.label} %{x:.${xd}f}${fu}, ${target.label} %{y:.1f}${tu}<extra></extra>`,
    });
  }
  const ys = [...curve.lower, ...curve.upper, ...curve.prediction].filter((v): v is number => v !== null);
  const lo = ys.length ? Math.min(...ys) : 0;
  const hi = ys.length ? Math.max(...ys) : 1;
  const shapes: Partial<Shape>[] = [
    {
      type: 'line',
      xref: 'x',
      x0: current.value,
      x1: current.value,
      yref: 'paper',
      y0: 0,
      y1: 1,
      line: { color, width: 1.5, dash: 'dash' },
    },
  ];
  const annotations: Partial<Layout['annotations'][number]>[] = [];
  if (limits) {
    const pad = (hi - lo) * 0.15;
    for (const [y, label] of [
      [limits.low, 'low limit'],
      [limits.high, 'high limit'],
    ] as const) {
      if (y >= lo - pad && y <= hi + pad) {
        const l = limitLine(y, label);
        shapes.push(l.shape);
        annotations.push(l.note);
      }
    }
  }
  if (!ys.length)
    annotations.push({
      text: 'No prediction in this range',
      xref: 'paper',
      yref: 'paper',
      x: 0.5,
      y: 0.5,
      showarrow: false,
      font: { color: CHART_COLORS.muted },
    });
  return {
    data,
    layout: {
      ...layoutBase(`curve-${feature.name}`),
      margin: { l: 52, r: 12, t: 8, b: 44 },
      hovermode: 'closest',
      xaxis: {
        ...baseAxis,
        title: { text: axisTitle(feature.label, feature.unit), font: { size: 12 } },
        range: [feature.min, feature.max],
        zeroline: false,
      },
      yaxis: {
        ...baseAxis,
        title: { text: axisTitle(target.label, target.unit), font: { size: 12 } },
        autorange: true,
        zeroline: false,
      },
      shapes,
      annotations,
    },
  };
}

/** Predicted target over the first two features (the rest held), with the current point marked. */
export function heatmapFigure(
  grid: Pick<GridPlan, 'x' | 'y'>,
  z: (number | null)[][],
  rawFx: WhatIfFeature,
  rawFy: WhatIfFeature,
  rawTarget: Target,
  current: { x: number; y: number },
  limits: Limits | null,
  /** The "Find best" recommendation, marked with a star. */
  recommended: { x: number; y: number } | null = null,
): { data: Data[]; layout: Partial<Layout> } {
  const fx = plotSafe(rawFx);
  const fy = plotSafe(rawFy);
  const target = plotSafe(rawTarget);
  const tu = unitSuffix(target.unit);
  const xd = Math.max(0, Math.min(3, Math.ceil(-Math.log10(fx.step))));
  const yd = Math.max(0, Math.min(3, Math.ceil(-Math.log10(fy.step))));
  const data: Data[] = [
    {
      type: 'heatmap',
      uid: 'heatmap',
      x: grid.x,
      y: grid.y,
      z: z as number[][],
      colorscale: 'Viridis',
      zsmooth: 'best',
      colorbar: {
        title: { text: axisTitle(target.label, target.unit), side: 'right' },
        tickfont: { color: CHART_COLORS.muted },
        thickness: 14,
        outlinewidth: 0,
      },
      hovertemplate: `${fx.label} %{x:.${xd}f}${unitSuffix(fx.unit)}<br>${fy.label} %{y:.${yd}f}${unitSuffix(fy.unit)}<br>${target.label} %{z:.1f}${tu}<extra></extra>`,
    } as Data,
  ];
  if (limits) {
    // The low alert limit as a contour line: where the process falls below it.
    data.push({
      type: 'contour',
      uid: 'low-limit',
      x: grid.x,
      y: grid.y,
      z: z as number[][],
      contours: {
        coloring: 'none',
        start: limits.low,
        end: limits.low,
        size: 1,
        showlabels: true,
        labelfont: { color: CHART_COLORS.text, size: 10 },
      },
      line: { color: CHART_COLORS.text, width: 1, dash: 'dot' },
      showscale: false,
      hoverinfo: 'skip',
    } as Data);
  }
  data.push({
    type: 'scatter',
    uid: 'current',
    x: [current.x],
    y: [current.y],
    mode: 'markers',
    marker: {
      symbol: 'circle-open',
      size: 14,
      color: CHART_COLORS.text,
      line: { width: 2.5, color: CHART_COLORS.text },
    },
    hovertemplate: `current: ${fx.label} %{x:.${xd}f}${unitSuffix(fx.unit)}, ${fy.label} %{y:.${yd}f}${unitSuffix(fy.unit)}<extra></extra>`,
  });
  if (recommended) {
    data.push({
      type: 'scatter',
      uid: 'recommended',
      x: [recommended.x],
      y: [recommended.y],
      mode: 'markers',
      marker: { symbol: 'star', size: 16, color: '#ffd166', line: { width: 1.5, color: '#0f1419' } },
      hovertemplate: `recommended: ${fx.label} %{x:.${xd}f}${unitSuffix(fx.unit)}, ${fy.label} %{y:.${yd}f}${unitSuffix(fy.unit)}<extra></extra>`,
    });
  }
  return {
    data,
    layout: {
      ...layoutBase('heatmap'),
      margin: { l: 56, r: 12, t: 8, b: 44 },
      hovermode: 'closest',
      xaxis: {
        ...baseAxis,
        title: { text: axisTitle(fx.label, fx.unit), font: { size: 12 } },
        range: [fx.min, fx.max],
        zeroline: false,
        showgrid: false,
      },
      yaxis: {
        ...baseAxis,
        title: { text: axisTitle(fy.label, fy.unit), font: { size: 12 } },
        range: [fy.min, fy.max],
        zeroline: false,
        showgrid: false,
      },
    },
  };
}

/** "Flow 100 kg/h, Feed 3.2 t/h": the held features, for the heatmap's caption. */
export function heldCaption(features: readonly WhatIfFeature[], values: Record<string, number>): string {
  return features
    .map((f) => {
      const v = values[f.name];
      if (v === undefined) return f.label;
      return `${f.label} ${formatNumber(v, stepDecimals(f.step))}${unitSuffix(f.unit)}`;
    })
    .join(', ');
}
