import { describe, expect, it } from 'vitest';
import type { Point } from '../twin/types';
import { rollupOf } from './telemetry-rollup';

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
    const temp = rows.filter((r) => r.signal === 'temperature');
    expect(temp).toEqual([
      { assetId: 'a', signal: 'temperature', bucket: 0, n: 4, min: 1, minTs: 3_000, max: 9, maxTs: 2_000 },
      { assetId: 'a', signal: 'temperature', bucket: 10_000, n: 1, min: 7, minTs: 11_000, max: 7, maxTs: 11_000 },
    ]);
    // No prediction in the second bucket: no prediction row for it, and the band goes with it.
    expect(rows.filter((r) => r.signal === 'prediction').map((r) => r.bucket)).toEqual([0]);
    expect(rows.find((r) => r.signal === 'upper')).toMatchObject({ max: 82, n: 4 });
  });
});
