import { describe, expect, it } from 'vitest';
import { createRandom } from '../plant/random';
import { MemberSummarizer } from './member-summary.mjs';

/** numpy.percentile(values, p), default "linear" method. */
function numpyPercentile(values: ArrayLike<number>, p: number): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const k = Math.floor(pos);
  return k + 1 < s.length ? s[k]! + (pos - k) * (s[k + 1]! - s[k]!) : s[k]!;
}

function summarize(members: number, rows: Float32Array, band: { lower: number; upper: number } | null) {
  const n = rows.length / members;
  const out = { prediction: new Float64Array(n), lower: band ? new Float64Array(n) : null, upper: band ? new Float64Array(n) : null };
  new MemberSummarizer(members, band).summarize(rows, n, out);
  return out;
}

describe('MemberSummarizer', () => {
  it('matches numpy percentiles for the tails and for wide bands, with ties and odd sizes', () => {
    const r = createRandom(1);
    for (const members of [2, 3, 7, 20, 100, 101]) {
      for (const band of [{ lower: 5, upper: 95 }, { lower: 25, upper: 75 }, { lower: 0, upper: 100 }, { lower: 10, upper: 50 }]) {
        const n = 40;
        // Coarse values so ties are common.
        const rows = Float32Array.from({ length: n * members }, () => Math.round(r.next() * 20) / 4);
        const out = summarize(members, rows, band);
        for (let i = 0; i < n; i++) {
          const row = rows.subarray(i * members, (i + 1) * members);
          expect(out.lower![i]).toBeCloseTo(numpyPercentile(row, band.lower), 10);
          expect(out.upper![i]).toBeCloseTo(numpyPercentile(row, band.upper), 10);
          expect(out.prediction[i]).toBeCloseTo(row.reduce((a, b) => a + b, 0) / members, 10);
        }
      }
    }
  });

  it('gives the worked example: members 1..100, 5th and 95th percentiles', () => {
    const out = summarize(100, Float32Array.from({ length: 100 }, (_, i) => 100 - i), { lower: 5, upper: 95 });
    expect(out.prediction[0]).toBe(50.5);
    expect(out.lower![0]).toBeCloseTo(5.95, 12);
    expect(out.upper![0]).toBeCloseTo(95.05, 12);
  });

  it('computes only the mean when there is no band, and writes results back through an order', () => {
    const out = { prediction: new Float64Array(2), lower: null, upper: null };
    new MemberSummarizer(2, null).summarize(Float32Array.from([1, 3, 10, 20]), 2, out, Int32Array.from([1, 0]));
    expect(Array.from(out.prediction)).toEqual([15, 2]);
  });
});
