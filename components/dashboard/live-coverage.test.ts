import { describe, expect, it } from 'vitest';
import { RingBuffer } from '@/lib/realtime/ring-buffer';
import type { Point } from '@/lib/twin/types';
import { liveCoverage } from './live-coverage';

function point(ts: number, actual: number | undefined, lower: number | null = 80, upper: number | null = 90): Point {
  return {
    seq: ts,
    ts,
    values: {},
    prediction: lower === null ? null : 85,
    lower,
    upper,
    modelVersion: '2.0.0',
    inferenceMs: 0.1,
    flags: [],
    ...(actual === undefined ? {} : { actual }),
  };
}

describe('liveCoverage', () => {
  it('counts, in the window, the points with a measured value and a band, and those inside it', () => {
    const buffer = new RingBuffer<Point>(100);
    [
      point(0, 85),
      point(1000, 95),
      point(2000, 85),
      point(3000, 79.9),
      point(4000, undefined),
      point(5000, 85, null, null),
    ].forEach((p) => buffer.push(p));
    expect(liveCoverage(buffer, 10_000, 5000)).toEqual({ inside: 2, measured: 4 });
    // The window leaves out the first two.
    expect(liveCoverage(buffer, 3000, 5000)).toEqual({ inside: 1, measured: 2 });
    expect(liveCoverage(undefined, 3000, 5000)).toEqual({ inside: 0, measured: 0 });
  });
});
