/**
 * A history answer (lib/twin/history.ts) as the dashboard's `Series`, so the History page draws
 * it with the very same figures (prediction with band, process conditions on their axes). Each
 * signal keeps its own times: a bucket's min and max happened when they happened. Pure.
 */
import type { HistoryResult } from '@/lib/twin/history';
import type { SignalInfo } from '@/lib/twin/types';
import { toWallClock } from '@/lib/time/zoned';
import type { Band, Series } from '../dashboard/figures';

/** Bands break where the gap between points is this many buckets wide (no data there). */
const GAP_BUCKETS = 3;

export function historySeries(r: HistoryResult, signals: SignalInfo[], timeZone: string, revision: number): Series {
  const wall = (ts: number[]) => ts.map((t) => toWallClock(t, timeZone));
  const gap = r.bucketMs * GAP_BUCKETS;
  const pred = r.series.prediction;
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
        xs.push(toWallClock(ts - 1, timeZone));
        ys.push(null);
      }
      xs.push(toWallClock(ts, timeZone));
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
      if (lo === null || lo === undefined || hi === null || hi === undefined || (i > 0 && t - pred.t[i - 1]! > gap)) band = null;
      if (lo === null || lo === undefined || hi === null || hi === undefined) return;
      if (!band) {
        band = { x: [], lower: [], upper: [] };
        s.bands.push(band);
      }
      band.x.push(toWallClock(t, timeZone));
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
        bad.x.push(toWallClock(t, timeZone));
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
