import { describe, expect, it } from 'vitest';
import { RingBuffer } from '@/lib/realtime/ring-buffer';
import type { Point, SignalInfo } from '@/lib/twin/types';
import { conditionsFigure, measuredDashes, predictionFigure } from './figures';
import { buildSeries } from './series';

const SIGNALS: SignalInfo[] = [{ name: 'temperature', label: 'Temperature', unit: 'degC', min: 300, max: 400 }];

function point(seq: number, ts: number): Point {
  return {
    seq,
    ts,
    values: { temperature: 350 },
    prediction: 85,
    lower: 84,
    upper: 86,
    modelVersion: 'v1',
    inferenceMs: 1,
    flags: [],
  };
}

/** 10 Hz readings from t0 for `seconds`, then none for `gapS`, then 10 Hz again for `seconds`. */
function bufferWithGap(seconds: number, gapS: number): { buffer: RingBuffer<Point>; end: number } {
  const buffer = new RingBuffer<Point>(100_000);
  let seq = 0;
  let ts = 1_700_000_000_000;
  for (let i = 0; i < seconds * 10; i++, ts += 100) buffer.push(point(seq++, ts));
  ts += gapS * 1000;
  for (let i = 0; i < seconds * 10; i++, ts += 100) buffer.push(point(seq++, ts));
  return { buffer, end: ts };
}

const nulls = (a: (number | null)[]) => a.filter((v) => v === null).length;

describe('live series gaps', () => {
  it('breaks every line and the band across three minutes without readings', () => {
    const { buffer, end } = bufferWithGap(60, 180);
    const s = buildSeries(buffer, 10 * 60_000, end, SIGNALS, 1, 2_400, { timeZone: 'UTC', expectedIntervalMs: 100 });
    expect(nulls(s.prediction)).toBe(1);
    expect(nulls(s.values.temperature!)).toBe(1);
    expect(s.bands).toHaveLength(2);
    // The break sits between the last point before and the first after the gap.
    const k = s.prediction.indexOf(null);
    expect(s.x[k + 1]! - s.x[k - 1]!).toBeGreaterThan(180_000);
  });

  it('still finds the gap when the window is thinned', () => {
    const { buffer, end } = bufferWithGap(600, 180);
    const s = buildSeries(buffer, 30 * 60_000, end, SIGNALS, 1, 500, { timeZone: 'UTC', expectedIntervalMs: 100 });
    expect(s.x.length).toBeLessThan(700);
    expect(nulls(s.prediction)).toBe(1);
    expect(s.bands).toHaveLength(2);
  });

  it('draws a steady stream, and a source slower than the nominal rate, as one line', () => {
    const { buffer, end } = bufferWithGap(60, 0);
    const steady = buildSeries(buffer, 10 * 60_000, end, SIGNALS, 1, 2_400, { expectedIntervalMs: 100 });
    expect(nulls(steady.prediction)).toBe(0);
    const slow = new RingBuffer<Point>(1000);
    for (let i = 0; i < 100; i++) slow.push(point(i, 1_700_000_000_000 + i * 5_000));
    const s = buildSeries(slow, 10 * 60_000, 1_700_000_000_000 + 500_000, SIGNALS, 1, 2_400, {
      expectedIntervalMs: 100,
    });
    expect(nulls(s.prediction)).toBe(0);
    expect(s.bands).toHaveLength(1);
  });
});

/** Every string anywhere in a figure (titles, legend names, hover templates, notes). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

describe('labels from twin.json reach Plotly as text, not markup', () => {
  it('leaves no tag from a label or unit in the dashboard figures', () => {
    const link = '<a href="https://evil.example/">Yield</a>';
    const signals: SignalInfo[] = [{ name: 'temperature', label: link, unit: '<b>degC</b>', min: 300, max: 400 }];
    const buffer = new RingBuffer<Point>(10);
    buffer.push({ ...point(0, 1_700_000_000_000), values: { temperature: 450 } });
    const s = buildSeries(buffer, 60_000, 1_700_000_000_000, signals, 1);
    const figures = [
      predictionFigure(s, { name: 'yield', label: link, unit: '<i>%</i>' }, 'u', '<a href="x">band</a>'),
      conditionsFigure(s, signals, 'u'),
    ];
    const text = figures.flatMap((f) => strings(f));
    expect(text.some((t) => t.includes('&lt;a href'))).toBe(true);
    for (const t of text) expect(t).not.toMatch(/<(a|b|i)[\s>]/);
  });
});

describe('per-pixel min/max decimation', () => {
  /** An hour at 10 Hz (36,000 readings) of a wavy temperature, with one-reading spikes. */
  function hour(): { buffer: RingBuffer<Point>; end: number; spikes: { ts: number; v: number }[] } {
    const buffer = new RingBuffer<Point>(40_000);
    const t0 = 1_700_000_000_000;
    const spikes = [
      { ts: t0 + 1_234_500, v: 399 },
      { ts: t0 + 2_900_100, v: 301 },
    ];
    for (let i = 0; i < 36_000; i++) {
      const ts = t0 + i * 100;
      const spike = spikes.find((sp) => sp.ts === ts);
      buffer.push({ ...point(i, ts), values: { temperature: spike?.v ?? 350 + 5 * Math.sin(i / 500) } });
    }
    return { buffer, end: t0 + 35_999 * 100, spikes };
  }

  it('draws an hour at 10 Hz in at most two rows per pixel column and keeps one-reading spikes', () => {
    const { buffer, end, spikes } = hour();
    const s = buildSeries(buffer, 60 * 60_000, end, SIGNALS, 1, 2_200, { timeZone: 'UTC', expectedIntervalMs: 100 });
    expect(s.x.length).toBeLessThanOrEqual(2_200 + 2);
    expect(s.x.length).toBeGreaterThan(2_000);
    const temps = s.values.temperature!;
    const columnMs = (60 * 60_000) / 1_100;
    for (const sp of spikes) {
      const k = temps.indexOf(sp.v);
      expect(k).toBeGreaterThanOrEqual(0);
      // Drawn within one pixel column of when it happened.
      expect(Math.abs(s.x[k]! - sp.ts)).toBeLessThanOrEqual(columnMs);
    }
    expect(Math.max(...(temps as number[]))).toBe(399);
    expect(Math.min(...(temps as number[]))).toBe(301);
    expect(nulls(temps)).toBe(0);
    // Rows stay in time order, so Plotly draws one line.
    for (let i = 1; i < s.x.length; i++) expect(s.x[i]!).toBeGreaterThanOrEqual(s.x[i - 1]!);
  });

  it('keeps a bucket of every pixel column as the window slides (no shimmer)', () => {
    const { buffer, end } = hour();
    const a = buildSeries(buffer, 30 * 60_000, end - 10_000, SIGNALS, 1, 1_000, { timeZone: 'UTC' });
    const b = buildSeries(buffer, 30 * 60_000, end, SIGNALS, 2, 1_000, { timeZone: 'UTC' });
    // Columns are aligned to absolute time: rows well inside both windows are the same.
    const mid = a.x[Math.floor(a.x.length / 2)]!;
    const ia = a.x.indexOf(mid);
    const ib = b.x.indexOf(mid);
    expect(ib).toBeGreaterThanOrEqual(0);
    expect(b.values.temperature![ib]).toBe(a.values.temperature![ia]);
  });
});

describe('measured values', () => {
  it('are one lines trace of dashes two pixels wide, one per value at its own time and height', () => {
    const buffer = new RingBuffer<Point>(100_000);
    const t0 = 1_700_000_000_000;
    // 60 s at 10 Hz, a measured value on every reading, one of them a spike.
    for (let i = 0; i < 600; i++)
      buffer.push({ ...point(i, t0 + i * 100), actual: i === 300 ? 99 : 85 + (i % 7) / 10 });
    const s = buildSeries(buffer, 60_000, t0 + 59_900, SIGNALS, 1, 400, { timeZone: 'UTC' });
    const fig = predictionFigure(s, { name: 'yield', label: 'Yield', unit: '%' }, 'r');
    const line = fig.data.find((t) => (t as { uid?: string }).uid === 'actual') as {
      mode: string;
      x: (number | null)[];
      y: (number | null)[];
    };
    expect(line.mode).toBe('lines');
    // The window is full: a pixel column is the window over the plot's 200 columns.
    const pixel = (s.x.at(-1)! - s.x[0]!) / (60_000 / s.columnMs!);
    // Every decimated value (s.actual) is a dash around its time, the spike included.
    const values = line.y.filter((v, i) => i % 3 === 0);
    expect(values).toEqual(s.actual);
    expect(values).toContain(99);
    line.x.forEach((x, i) => {
      if (i % 3 === 2) expect(x).toBeNull();
      else expect(Math.abs(x! - s.actualX![Math.floor(i / 3)]!)).toBeCloseTo(pixel, 6);
    });
    expect(measuredDashes([1, 2], [null, 5], 0.5)).toEqual({ x: [1.5, 2.5, null], y: [5, 5, null] });
  });
});
