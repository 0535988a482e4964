import { describe, expect, it } from 'vitest';
import type { Point } from '../twin/types';
import { rollupLevelFor, rollupOf } from './telemetry-rollup';

const p = (ts: number, temperature: number, prediction: number | null = 80): { assetId: string; point: Point } => ({
  assetId: 'a',
  point: {
    seq: 0,
    ts,
    values: { temperature },
    prediction,
    lower: prediction === null ? null : prediction - 2,
    upper: prediction === null ? null : prediction + 2,
    modelVersion: 'v',
    inferenceMs: 1,
    flags: [],
  },
});

describe('rollupOf', () => {
  it('keeps per 10 s bucket and signal the count and the extremes with their times (earliest on ties)', () => {
    const rows = rollupOf([p(1_000, 5), p(2_000, 9), p(3_000, 1), p(4_000, 9), p(11_000, 7, null)]);
    const temp = rows.filter((r) => r.signal === 'temperature' && r.widthS === 10);
    expect(temp).toEqual([
      { assetId: 'a', widthS: 10, signal: 'temperature', bucket: 0, n: 4, min: 1, minTs: 3_000, max: 9, maxTs: 2_000 },
      {
        assetId: 'a',
        widthS: 10,
        signal: 'temperature',
        bucket: 10_000,
        n: 1,
        min: 7,
        minTs: 11_000,
        max: 7,
        maxTs: 11_000,
      },
    ]);
    // No prediction in the second bucket: no prediction row for it, and the band goes with it.
    expect(rows.filter((r) => r.signal === 'prediction' && r.widthS === 10).map((r) => r.bucket)).toEqual([0]);
    expect(rows.find((r) => r.signal === 'upper' && r.widthS === 10)).toMatchObject({ max: 82, n: 4 });
  });

  it('keeps the same extremes at every coarser level (1 min, 5 min, 15 min, 1 h), one bucket each here', () => {
    const rows = rollupOf([p(1_000, 5), p(2_000, 9), p(3_000, 1), p(4_000, 9), p(61_000, 0.5)]);
    for (const widthS of [300, 900, 3600]) {
      expect(rows.filter((r) => r.signal === 'temperature' && r.widthS === widthS)).toEqual([
        { assetId: 'a', widthS, signal: 'temperature', bucket: 0, n: 5, min: 0.5, minTs: 61_000, max: 9, maxTs: 2_000 },
      ]);
    }
    expect(rows.filter((r) => r.signal === 'temperature' && r.widthS === 60).map((r) => [r.bucket, r.n])).toEqual([
      [0, 4],
      [60_000, 1],
    ]);
  });

  it('picks the coarsest level that fits in the requested bucket width', () => {
    expect(rollupLevelFor(9_999)).toBeNull();
    expect(rollupLevelFor(10_000)).toBe(10);
    expect(rollupLevelFor(59_999)).toBe(10);
    // 72 s from the 1 min level would be 120 s buckets (40 % of the points lost): 80 s from 10 s.
    expect(rollupLevelFor(72_000)).toBe(10);
    expect(rollupLevelFor(300_000)).toBe(300);
    // 30 days at 2,000 points: 21.6 min buckets, from the 5 min level (25 min buckets).
    expect(rollupLevelFor((30 * 86_400_000) / 2_000)).toBe(300);
    // A year at 2,000 points: 4.4 h buckets, from the 1 h level.
    expect(rollupLevelFor((365 * 86_400_000) / 2_000)).toBe(3600);
  });
});
