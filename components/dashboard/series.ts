/**
 * The plot arrays of the dashboard's charts, built once per redraw from the visible window of the
 * asset's ring buffer (never from a copy of the whole buffer): min/max per pixel column, breaks at
 * gaps, bands, out-of-range runs, stored history in front. Pure functions; figures.ts draws them.
 */
import { visibleRange, type Backfill } from '@/lib/realtime/stream-state';
import { localTimeZone, plotlyTime } from '@/lib/time/zoned';
import type { RingBuffer } from '@/lib/realtime/ring-buffer';
import type { Point, SignalInfo } from '@/lib/twin/types';
import { bucketWidthMs, ColumnBucket } from './column-buckets';

/**
 * Rows per trace when the plot's width is not known: two (min and max) per pixel column of a
 * ~1,200 px plot. The dashboard passes twice its plot's measured width.
 */
export const MAX_PLOT_POINTS = 2_400;
/** Measured-value markers are 3 px wide: their min/max is kept per this many pixel columns. */
const MARKER_COLUMNS = 3;
/** Bounds the shapes and notes drawn for out-of-range stretches. */
const MAX_RUNS = 40;
export const MAX_RUN_NOTES = 6;
const MAX_BANDS = 60;
/**
 * Lines and bands break where no reading arrived for longer than this many expected intervals
 * (the larger of the stream's nominal one and the median spacing seen in the window, so a
 * source reporting slower than the simulator's rate is not drawn as dots).
 */
export const GAP_INTERVALS = 5;
/** Spacings sampled for the median: enough to be robust, cheap at 36,000 buffered points. */
const SPACING_SAMPLES = 257;

/** Median spacing of the buffer's points in [from, to), from an even sample (0 when < 2 points). */
function medianSpacing(buffer: RingBuffer<Point>, from: number, to: number): number {
  const n = to - from;
  if (n < 2) return 0;
  const step = Math.max(1, Math.floor((n - 1) / SPACING_SAMPLES));
  const d: number[] = [];
  for (let i = from + 1; i < to; i += step) d.push(buffer.at(i)!.ts - buffer.at(i - 1)!.ts);
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

export interface Band {
  x: number[];
  lower: number[];
  upper: number[];
}

export interface Series {
  /** Buffer revision the arrays were built at (the charts' `revision`). */
  revision: number;
  windowMs: number;
  count: number;
  /** Point times for Plotly, showing the chosen zone's wall clock (lib/time/zoned `plotlyTime`). */
  x: number[];
  /**
   * Per-signal times, when signals do not share `x` (history: each signal's extremes happened at
   * their own times; a backfilled stretch before the live buffer). Missing: `x`.
   */
  signalX?: Record<string, number[]>;
  /** Times of `actual`, when not `x`. */
  actualX?: number[];
  prediction: (number | null)[];
  /**
   * The interval in contiguous stretches. One pair of traces per stretch: Plotly's `tonexty`
   * fill across null gaps draws wedges from one stretch's edge to the next.
   */
  bands: Band[];
  /** Measured target, when the source reports one (the simulator does); null when none in view. */
  actual: (number | null)[] | null;
  predicted: number;
  values: Record<string, (number | null)[]>;
  /** Readings outside their valid range, per signal, for distinct markers. */
  outOfRange: Record<string, { x: number[]; y: number[] }>;
  /** [start, end] x of stretches flagged out_of_range (no prediction there). */
  outOfRangeRuns: [number, number][];
  /** How long one pixel column of the plot is, in ms, when known (the live charts). */
  columnMs?: number;
}

const EMPTY_RUN: [number, number][] = [];

function isOutside(p: Point, s: SignalInfo): boolean {
  const v = p.values[s.name];
  if (v === undefined) return false;
  return p.outOfRange?.includes(s.name) === true || v < s.min || v > s.max;
}

/**
 * One pass over the points in `[endTs - windowMs, endTs]`, decimated to at most ~`maxPoints` rows:
 * min and max per pixel column (`maxPoints / 2` columns; see column-buckets.ts), so every reading
 * is represented within a column and spikes are kept. Every point is checked for gaps and range
 * flags, decimated or not.
 */
export function buildSeries(
  buffer: RingBuffer<Point> | undefined,
  windowMs: number,
  endTs: number,
  signals: SignalInfo[],
  revision: number,
  maxPoints = MAX_PLOT_POINTS,
  opts: { timeZone?: string; backfill?: Backfill | null; expectedIntervalMs?: number } = {},
): Series {
  const s: Series = {
    revision,
    windowMs,
    count: 0,
    x: [],
    prediction: [],
    bands: [],
    actual: null,
    predicted: 0,
    values: Object.fromEntries(signals.map((sig) => [sig.name, []])),
    outOfRange: Object.fromEntries(signals.map((sig) => [sig.name, { x: [], y: [] }])),
    outOfRangeRuns: EMPTY_RUN,
  };
  if (!buffer || buffer.length === 0) return s;
  const { from, to } = visibleRange(buffer, windowMs, endTs);
  const n = to - from;
  if (n <= 0) return s;
  // Plotly shows numeric dates in the browser's zone; plotlyTime moves them to the chosen one.
  const local = localTimeZone();
  const zone = opts.timeZone ?? local;
  const toX = (ts: number) => plotlyTime(ts, zone, local);
  // Measured values are markers (a DOM node each, the costliest part of a redraw): decimated
  // min/max per marker width rather than per pixel column, on times of their own.
  const actualX: number[] = [];
  const actual: number[] = [];
  const runs: [number, number][] = [];
  let runStart: number | null = null;
  let band: Band | null = null;
  const gapMs = GAP_INTERVALS * Math.max(opts.expectedIntervalMs ?? 0, medianSpacing(buffer, from, to));
  const bucketMs = bucketWidthMs(windowMs, maxPoints);
  s.columnMs = bucketMs;
  // Series order in a bucket: prediction, (unused), then the signals.
  const bucket = new ColumnBucket(2 + signals.length);
  let bucketKey = NaN;
  const marks = new ColumnBucket(1);
  const markMs = bucketMs * MARKER_COLUMNS;
  let markKey = NaN;
  const flushMarks = () => {
    if (marks.count === 0) return;
    // Two markers only when the extremes differ (a constant stretch needs one).
    const rows = marks.min[0] === marks.max[0] ? 1 : 2;
    for (let r: 0 | 1 = 0; r < rows; r = (r + 1) as 0 | 1) {
      const v = marks.value(0, r);
      if (v === null) continue;
      actualX.push(toX(marks.time(0, r)));
      actual.push(v);
    }
    marks.reset();
  };
  const lastMarked = signals.map(() => NaN);
  let prevTs = buffer.at(from)!.ts;

  const flush = () => {
    if (bucket.count === 0) return;
    const rows = bucket.rows;
    for (let r: 0 | 1 = 0; r < rows; r = (r + 1) as 0 | 1) {
      const x = toX(r === 0 ? bucket.firstTs : bucket.lastTs);
      s.x.push(x);
      s.prediction.push(bucket.value(0, r));
      signals.forEach((sig, i) => s.values[sig.name]!.push(bucket.value(2 + i, r)));
      if (bucket.hasBand) {
        if (!band) {
          band = { x: [], lower: [], upper: [] };
          s.bands.push(band);
        }
        band.x.push(x);
        band.lower.push(bucket.lower);
        band.upper.push(bucket.upper);
      } else {
        band = null;
      }
    }
    bucket.reset();
  };

  for (let i = from; i < to; i++) {
    const p = buffer.at(i)!;
    if (gapMs > 0 && p.ts - prevTs > gapMs) {
      // A null row just before the point after the gap: Plotly breaks every line there.
      flush();
      s.x.push(toX(p.ts - 1));
      s.prediction.push(null);
      for (const sig of signals) s.values[sig.name]!.push(null);
      band = null;
    }
    const key = Math.floor(p.ts / bucketMs);
    if (key !== bucketKey) {
      flush();
      bucketKey = key;
    }
    bucket.touch(p.ts);
    bucket.add(0, p.prediction, p.ts);
    if (p.actual !== undefined) {
      const mk = Math.floor(p.ts / markMs);
      if (mk !== markKey) {
        flushMarks();
        markKey = mk;
      }
      marks.touch(p.ts);
      marks.add(0, p.actual, p.ts);
    }
    bucket.addBand(p.lower, p.upper);
    if (p.prediction !== null) s.predicted++;
    signals.forEach((sig, j) => {
      const v = p.values[sig.name];
      bucket.add(2 + j, v, p.ts);
      // One out-of-range marker per signal and column is enough to show it.
      if (v !== undefined && lastMarked[j] !== key && isOutside(p, sig)) {
        lastMarked[j] = key;
        const o = s.outOfRange[sig.name]!;
        o.x.push(toX(p.ts));
        o.y.push(v);
      }
    });
    const flagged = p.flags.includes('out_of_range');
    if (flagged && runStart === null) runStart = toX(p.ts);
    if (!flagged && runStart !== null) {
      runs.push([runStart, toX(prevTs)]);
      runStart = null;
    }
    prevTs = p.ts;
  }
  flush();
  flushMarks();
  if (runStart !== null) runs.push([runStart, toX(prevTs)]);
  s.count = s.x.length;
  if (actual.length) {
    s.actual = actual;
    s.actualX = actualX;
  }
  if (opts.backfill) prependBackfill(s, opts.backfill, endTs - windowMs, toX, signals);
  if (runs.length) s.outOfRangeRuns = runs.slice(-MAX_RUNS);
  if (s.bands.length > MAX_BANDS) s.bands = s.bands.slice(-MAX_BANDS);
  return s;
}

/**
 * Puts stored history (older than every buffered point, see stream-state `applyBackfill`) in
 * front of the window's arrays, so a window longer than the live buffer is complete.
 */
function prependBackfill(
  s: Series,
  b: Backfill,
  startTs: number,
  toX: (ts: number) => number,
  signals: SignalInfo[],
): void {
  const part = (name: string) => {
    const h = b.series[name];
    if (!h) return null;
    let k = 0;
    while (k < h.t.length && h.t[k]! < startTs) k++;
    return k < h.t.length
      ? { t: h.t.slice(k).map(toX), v: h.v.slice(k), lower: h.lower?.slice(k), upper: h.upper?.slice(k) }
      : null;
  };
  const x0 = s.x;
  let added = 0;
  const signalX: Record<string, number[]> = {};
  for (const sig of signals) {
    const h = part(sig.name);
    signalX[sig.name] = h ? [...h.t, ...x0] : x0;
    if (h) s.values[sig.name] = [...h.v, ...(s.values[sig.name] ?? [])];
    added = Math.max(added, h?.t.length ?? 0);
  }
  s.signalX = signalX;
  const pred = part('prediction');
  if (pred) {
    s.x = [...pred.t, ...x0];
    s.prediction = [...pred.v, ...s.prediction];
    s.predicted += pred.t.length;
    const band: Band = { x: [], lower: [], upper: [] };
    pred.t.forEach((t, i) => {
      const lo = pred.lower?.[i];
      const hi = pred.upper?.[i];
      if (lo === null || lo === undefined || hi === null || hi === undefined) return;
      band.x.push(t);
      band.lower.push(lo);
      band.upper.push(hi);
    });
    if (band.x.length) s.bands = [band, ...s.bands];
  }
  const act = part('actual');
  if (act) {
    s.actualX = [...act.t, ...(s.actualX ?? [])];
    s.actual = [...act.v, ...(s.actual ?? [])];
  }
  s.count += Math.max(added, pred?.t.length ?? 0);
}
