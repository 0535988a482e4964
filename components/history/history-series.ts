/**
 * A history answer (lib/twin/history.ts) as the dashboard's `Series`, so the History page draws
 * it with the very same figures (prediction with band, process conditions on their axes). Each
 * signal keeps its own times: a bucket's min and max happened when they happened. Pure.
 */
import type { HistoryResult } from '@/lib/twin/history';
import type { SignalInfo } from '@/lib/twin/types';
import { localTimeZone, plotlyTime } from '@/lib/time/zoned';
import type { Band, Series } from '../dashboard/series';

/**
 * Lines and bands break where no data was stored: a gap wider than this many buckets and this
 * many times the usual spacing of the points (readings every 10 s are not a gap at 1 s buckets).
 */
const GAP_BUCKETS = 3;
const GAP_SPACINGS = 5;

/** The median spacing of ascending times (0 when fewer than two). */
function medianSpacing(t: number[]): number {
  if (t.length < 2) return 0;
  const d = t.slice(1).map((x, i) => x - t[i]!);
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

export function historySeries(
  r: HistoryResult,
  signals: SignalInfo[],
  timeZone: string,
  revision: number,
  localZone = localTimeZone(),
): Series {
  const toX = (ts: number) => plotlyTime(ts, timeZone, localZone);
  const wall = (ts: number[]) => ts.map(toX);
  const pred = r.series.prediction;
  const spacing = medianSpacing(pred?.t.length ? pred.t : (r.series[signals[0]?.name ?? '']?.t ?? []));
  const gap = Math.max(r.bucketMs * GAP_BUCKETS, spacing * GAP_SPACINGS);
  const s: Series = {
    revision,
    windowMs: r.to - r.from,
    count: 0,
    x: pred ? wall(pred.t) : [],
    prediction: [],
    bands: [],
    actual: null,
    predicted: pred?.t.length ?? 0,
    values: {},
    signalX: {},
    outOfRange: {},
    outOfRangeRuns: [],
  };
  // Lines break across stretches with no stored data (a null between them), like the live view.
  const withGaps = (t: number[], v: number[]) => {
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    t.forEach((ts, i) => {
      if (i > 0 && ts - t[i - 1]! > gap) {
        xs.push(toX(ts - 1));
        ys.push(null);
      }
      xs.push(toX(ts));
      ys.push(v[i]!);
    });
    return { xs, ys };
  };
  if (pred) {
    const { xs, ys } = withGaps(pred.t, pred.v);
    s.x = xs;
    s.prediction = ys;
    let band: Band | null = null;
    pred.t.forEach((t, i) => {
      const lo = pred.lower?.[i];
      const hi = pred.upper?.[i];
      if (lo === null || lo === undefined || hi === null || hi === undefined || (i > 0 && t - pred.t[i - 1]! > gap))
        band = null;
      if (lo === null || lo === undefined || hi === null || hi === undefined) return;
      if (!band) {
        band = { x: [], lower: [], upper: [] };
        s.bands.push(band);
      }
      band.x.push(toX(t));
      band.lower.push(lo);
      band.upper.push(hi);
    });
  }
  let count = s.x.length;
  for (const sig of signals) {
    const h = r.series[sig.name];
    const { xs, ys } = h ? withGaps(h.t, h.v) : { xs: [], ys: [] };
    s.signalX![sig.name] = xs;
    s.values[sig.name] = ys;
    count = Math.max(count, xs.length);
    const bad = { x: [] as number[], y: [] as number[] };
    h?.t.forEach((t, i) => {
      const v = h.v[i]!;
      if (v < sig.min || v > sig.max) {
        bad.x.push(toX(t));
        bad.y.push(v);
      }
    });
    s.outOfRange[sig.name] = bad;
  }
  const actual = r.series.actual;
  if (actual?.t.length) {
    s.actualX = wall(actual.t);
    s.actual = actual.v;
  }
  s.count = count;
  return s;
}
