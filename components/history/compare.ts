/**
 * "Compare with" on the History page (issue 18): the same signals from an earlier range, shifted
 * onto the current time axis and drawn dashed and lighter, each with a legend entry naming the
 * period ("Temperature · previous day"). The earlier range is fetched through the same history
 * API (same downsampling); these helpers are pure.
 */
import type { Data } from 'plotly.js';
import type { HistoryResult } from '@/lib/twin/history';
import type { SignalInfo, StreamCatalog } from '@/lib/twin/types';
import { formatZoned } from '@/lib/time/zoned';
import { CHART_COLORS, plotSafe, plotText, seriesColor } from '../charts/theme';
import type { Series } from '../dashboard/series';

export const COMPARE_MODES = [
  { key: 'none', label: 'none' },
  { key: 'day', label: 'previous day' },
  { key: 'week', label: 'previous week' },
  { key: 'start', label: 'chosen start' },
] as const;
export type CompareMode = (typeof COMPARE_MODES)[number]['key'];

const DAY_MS = 86_400_000;

/**
 * How far back the compared range lies (ms), or null for none. A chosen start is the start of
 * the earlier range matching the current range's start (zooming keeps the two aligned).
 */
export function compareOffset(mode: CompareMode, rangeFrom: number, chosenStart: number | null): number | null {
  if (mode === 'day') return DAY_MS;
  if (mode === 'week') return 7 * DAY_MS;
  if (mode === 'start' && chosenStart !== null && !Number.isNaN(chosenStart) && chosenStart < rangeFrom)
    return rangeFrom - chosenStart;
  return null;
}

/** The period's name in legends: "previous day", "previous week", "from 2026-12-01 08:00". */
export function periodLabel(mode: CompareMode, chosenStart: number | null, zone: string): string {
  if (mode === 'day') return 'previous day';
  if (mode === 'week') return 'previous week';
  return chosenStart === null ? 'earlier period' : `from ${formatZoned(chosenStart, zone, { seconds: false })}`;
}

/** The answer with every time moved `offset` later, so it lines up with the current range. */
export function shiftHistory(r: HistoryResult, offset: number): HistoryResult {
  const series = Object.fromEntries(
    Object.entries(r.series).map(([name, s]) => [name, { ...s, t: s.t.map((t) => t + offset) }]),
  );
  return { ...r, from: r.from + offset, to: r.to + offset, series };
}

const DASH = { dash: 'dash' as const };
const OPACITY = 0.55;

/** The prediction of the earlier period, dashed, for the prediction chart. */
export function predictionOverlay(s: Series, target: StreamCatalog['target'], period: string): Data[] {
  const t = plotSafe(target);
  const unit = t.unit ? ` ${t.unit}` : '';
  const name = `${t.label} predicted · ${plotText(period)}`;
  return [
    {
      type: 'scatter',
      uid: 'prediction-compare',
      name,
      x: s.x,
      y: s.prediction,
      mode: 'lines',
      opacity: OPACITY,
      line: { color: CHART_COLORS.accent, width: 1.5, ...DASH },
      hovertemplate: `${plotText(period)}: %{y:.2f}${unit}<extra></extra>`,
    },
  ];
}

/** Each signal of the earlier period on its own axis (as conditionsFigure places them), dashed. */
export function conditionsOverlay(s: Series, rawSignals: SignalInfo[], period: string): Data[] {
  return rawSignals.map(plotSafe).map(
    (sig, i) =>
      ({
        type: 'scatter',
        uid: `${sig.name}-compare`,
        name: `${sig.label} · ${plotText(period)}`,
        x: s.signalX?.[sig.name] ?? s.x,
        y: s.values[sig.name] ?? [],
        yaxis: i === 0 ? 'y' : `y${i + 1}`,
        mode: 'lines',
        opacity: OPACITY,
        line: { color: seriesColor(i), width: 1.2, ...DASH },
        hovertemplate: `${plotText(period)}: %{y:.2f}${sig.unit ? ` ${sig.unit}` : ''}`,
      }) as Data,
  );
}
