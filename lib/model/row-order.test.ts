import { describe, expect, it } from 'vitest';
import { createRandom } from '../plant/random';
import { localityOrder, permuteRows } from './row-order';

const ranges = [
  { min: 300, max: 400 },
  { min: 1, max: 10 },
];

describe('localityOrder', () => {
  it('returns a permutation that puts nearby rows next to each other', () => {
    const r = createRandom(3);
    const n = 2000;
    const rows = Float32Array.from({ length: n * 2 }, (_, i) =>
      i % 2 === 0 ? 300 + r.next() * 100 : 1 + r.next() * 9,
    );
    const order = localityOrder(rows, n, ranges);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));

    const step = (rs: Float32Array) => {
      let total = 0;
      for (let i = 1; i < n; i++)
        total += Math.hypot((rs[i * 2]! - rs[i * 2 - 2]!) / 100, (rs[i * 2 + 1]! - rs[i * 2 - 1]!) / 9);
      return total / (n - 1);
    };
    const sorted = permuteRows(rows, 2, order);
    expect(step(sorted)).toBeLessThan(step(rows) / 5);
    expect(Array.from(sorted.subarray(0, 2))).toEqual(Array.from(rows.subarray(order[0]! * 2, order[0]! * 2 + 2)));
  });

  it('keeps out-of-range and non-finite rows (edge cells) and is stable for equal keys', () => {
    const rows = Float32Array.from([500, 5, 350, 5, Number.NaN, 5, 350, 5, 100, -3]);
    const order = localityOrder(rows, 5, ranges);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(3));
  });
});
