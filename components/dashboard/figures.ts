/**
 * Plot arrays and Plotly figures of the dashboard, built once per redraw from the visible window
 * of the asset's ring buffer (never from a copy of the whole buffer). Pure functions.
 */
import type { Annotations, Data, Layout, LayoutAxis, Shape } from 'plotly.js';
import type { SignalInfo, StreamCatalog } from '@/lib/twin/types';
import { axisTitle, baseAxis, baseLayout, CHART_COLORS, plotSafe, plotText, seriesColor } from '../charts/theme';
import { MAX_RUN_NOTES, type Series } from './series';

function centerNote(text: string): Partial<Annotations> {
  return {
    text,
    xref: 'paper',
    yref: 'paper',
    x: 0.5,
    y: 0.5,
    showarrow: false,
    font: { color: CHART_COLORS.muted, size: 14 },
  };
}

/** Shaded stretches where readings were out of range, with a note on the newest few. */
function outOfRangeMarks(
  runs: [number, number][],
  windowMs: number,
): { shapes: Partial<Shape>[]; annotations: Partial<Annotations>[] } {
  // A single flagged point still gets a stripe a pixel or two wide.
  const pad = windowMs / 1000;
  const shapes: Partial<Shape>[] = runs.map(([x0, x1]) => ({
    type: 'rect',
    xref: 'x',
    yref: 'paper',
    x0: x0 - pad,
    x1: x1 + pad,
    y0: 0,
    y1: 1,
    fillcolor: CHART_COLORS.badFill,
    line: { width: 0 },
    layer: 'below',
  }));
  const annotations: Partial<Annotations>[] = runs.slice(-MAX_RUN_NOTES).map(([x0, x1]) => ({
    text: 'out of range',
    x: (x0 + x1) / 2,
    xref: 'x',
    y: 1,
    yref: 'paper',
    yanchor: 'top',
    showarrow: false,
    font: { color: CHART_COLORS.bad, size: 10 },
  }));
  return { shapes, annotations };
}

/** A plot is taken to be this many pixel columns wide when the series does not say. */
const ASSUMED_COLUMNS = 1_100;

/**
 * The measured values as short horizontal dashes, `[x - w/2, x + w/2, null]` per value, drawn as
 * ONE lines trace (one SVG path). As `mode: 'markers'` each value was an SVG node of its own,
 * styled one by one on every redraw (colour parsing, attributes): in bench:browser's traces that
 * was the largest single part of a live redraw. A dash two pixel columns wide and 3 px thick
 * reads as the small dot it replaces, at the value's own time and height (nothing is dropped).
 * `half`: half a dash's width, in x units.
 */
export function measuredDashes(
  x: number[],
  y: (number | null)[],
  half: number,
): { x: (number | null)[]; y: (number | null)[] } {
  const dx: (number | null)[] = [];
  const dy: (number | null)[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const t = x[i];
    if (v === null || v === undefined || t === undefined) continue;
    dx.push(t - half, t + half, null);
    dy.push(v, v, null);
  }
  return { x: dx, y: dy };
}

/** Prediction trend: band (lower line without width, upper filled to it), prediction, measured. */
export function predictionFigure(
  s: Series,
  rawTarget: StreamCatalog['target'],
  uirevision: string,
  /** The band's legend entry, e.g. "90 % prediction interval" (from twin.json). */
  rawBandLabel = 'interval',
): { data: Data[]; layout: Partial<Layout> } {
  const target = plotSafe(rawTarget);
  const bandLabel = plotText(rawBandLabel);
  const unit = target.unit ? ` ${target.unit}` : '';
  const data: Data[] = s.bands.flatMap((b, i): Data[] => [
    {
      type: 'scatter',
      uid: `lower-${i}`,
      name: 'lower',
      legendgroup: 'interval',
      x: b.x,
      y: b.lower,
      mode: 'lines',
      line: { width: 0 },
      showlegend: false,
      hovertemplate: `lower %{y:.2f}${unit}<extra></extra>`,
    },
    {
      type: 'scatter',
      uid: `upper-${i}`,
      name: bandLabel,
      legendgroup: 'interval',
      showlegend: i === 0,
      x: b.x,
      y: b.upper,
      mode: 'lines',
      line: { width: 0 },
      fill: 'tonexty',
      fillcolor: CHART_COLORS.band,
      hovertemplate: `upper %{y:.2f}${unit}<extra></extra>`,
    },
  ]);
  data.push(
    // After the bands, so the line draws over them.
    {
      type: 'scatter',
      uid: 'prediction',
      name: `${target.label} predicted`,
      x: s.x,
      y: s.prediction,
      mode: 'lines',
      line: { color: CHART_COLORS.accent, width: 2 },
      hovertemplate: `predicted %{y:.2f}${unit}<extra></extra>`,
    },
  );
  if (s.actual) {
    const x = s.actualX ?? s.x;
    // Plotly autoranges x to the data: a pixel is the data's span over the plot's columns (fewer
    // readings than the window holds, e.g. just after a start, make wider pixels).
    const first = Math.min(x[0] ?? 0, s.x[0] ?? Infinity);
    const last = Math.max(x[x.length - 1] ?? 0, s.x[s.x.length - 1] ?? -Infinity);
    const columns = s.columnMs ? s.windowMs / s.columnMs : ASSUMED_COLUMNS;
    const dashes = measuredDashes(x, s.actual, Math.max(1, last - first) / columns);
    data.push({
      type: 'scatter',
      uid: 'actual',
      name: `${target.label} measured`,
      x: dashes.x,
      y: dashes.y,
      mode: 'lines',
      line: { color: CHART_COLORS.muted, width: 3 },
      hovertemplate: `measured %{y:.2f}${unit}<extra></extra>`,
    } as Data);
  }
  const marks = outOfRangeMarks(s.outOfRangeRuns, s.windowMs);
  const annotations = marks.annotations;
  if (s.count === 0) annotations.push(centerNote('Waiting for data…'));
  else if (s.predicted === 0)
    annotations.push(centerNote('No prediction in this window (model unavailable or readings out of range)'));
  const layout: Partial<Layout> = {
    ...baseLayout(uirevision),
    yaxis: { ...baseAxis, title: { text: axisTitle(target.label, target.unit) }, autorange: true },
    shapes: marks.shapes,
    annotations,
  };
  return { data, layout };
}

/**
 * Process conditions on their own y axes: the first signal on the left, the second on the right
 * (overlaying), any further ones on free axes further right. Those use Plotly's `autoshift`,
 * which places each one past the previous axis's tick labels and title (a fixed x-domain fraction
 * overlapped them on a tablet). Readings outside the valid range get red crosses on their axis.
 */
export function conditionsFigure(
  s: Series,
  rawSignals: SignalInfo[],
  uirevision: string,
): { data: Data[]; layout: Partial<Layout> } {
  const signals = rawSignals.map(plotSafe);
  const layout: Partial<Layout> = {
    ...baseLayout(uirevision),
    margin: { l: 64, r: 24, t: 36, b: 40 },
  };
  const data: Data[] = [];
  const markers: Data[] = [];

  signals.forEach((sig, i) => {
    const color = seriesColor(i);
    const axisRef = i === 0 ? 'y' : `y${i + 1}`;
    const title = { text: axisTitle(sig.label, sig.unit), font: { color } };
    // Only the left axis draws a grid; the others get round tick values of their own rather
    // than Plotly's default for overlaying axes (ticks synced to the left grid: 5.9877, 6.0303...).
    const axis: Partial<LayoutAxis> = {
      ...baseAxis,
      title,
      tickfont: { ...baseAxis.tickfont, color },
      autorange: true,
      showgrid: i === 0,
      tickmode: 'auto',
      nticks: 6,
    };
    const key = (i === 0 ? 'yaxis' : `yaxis${i + 1}`) as 'yaxis';
    if (i === 0) layout[key] = axis;
    else if (i === 1) layout[key] = { ...axis, overlaying: 'y', side: 'right', anchor: 'x' };
    // `autoshift` is missing from @types/plotly.js 3.0.
    else
      layout[key] = {
        ...axis,
        overlaying: 'y',
        side: 'right',
        anchor: 'free',
        position: 1,
        autoshift: true,
      } as Partial<LayoutAxis>;

    const unit = sig.unit ? ` ${sig.unit}` : '';
    data.push({
      type: 'scatter',
      uid: sig.name,
      name: sig.label,
      x: s.signalX?.[sig.name] ?? s.x,
      y: s.values[sig.name] ?? [],
      yaxis: axisRef,
      mode: 'lines',
      line: { color, width: 1.5 },
      hovertemplate: `%{y:.2f}${unit}`,
    } as Data);
    const bad = s.outOfRange[sig.name];
    markers.push({
      type: 'scatter',
      uid: `${sig.name}-out-of-range`,
      name: `${sig.label} out of range`,
      x: bad?.x ?? [],
      y: bad?.y ?? [],
      yaxis: axisRef,
      mode: 'markers',
      marker: { symbol: 'x', size: 9, color: CHART_COLORS.bad, line: { width: 1, color: CHART_COLORS.bad } },
      showlegend: (bad?.x.length ?? 0) > 0,
      hovertemplate: `%{y:.2f}${unit} outside ${sig.min}–${sig.max}<extra>out of range</extra>`,
    } as Data);
  });
  if (s.count === 0) layout.annotations = [centerNote('Waiting for data…')];
  return { data: [...data, ...markers], layout };
}
