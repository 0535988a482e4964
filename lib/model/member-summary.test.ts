import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWat, WASM_FILE, WAT_FILE } from '../../scripts/build-wasm.mjs';
import { createRandom } from '../plant/random';
import { MemberSummarizer, type BandPercentiles } from './member-summary.mjs';

/** numpy.percentile(values, p), default "linear" method. */
function numpyPercentile(values: ArrayLike<number>, p: number): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const k = Math.floor(pos);
  return k + 1 < s.length ? s[k]! + (pos - k) * (s[k + 1]! - s[k]!) : s[k]!;
}

function summarize(
  members: number,
  rows: Float32Array,
  band: BandPercentiles | null,
  options: { simd?: boolean } = {},
  order?: Int32Array,
) {
  const n = rows.length / members;
  const out = {
    prediction: new Float64Array(n),
    lower: band ? new Float64Array(n) : null,
    upper: band ? new Float64Array(n) : null,
  };
  new MemberSummarizer(members, band, options).summarize(rows, n, out, order);
  return out;
}

describe('MemberSummarizer', () => {
  it('matches numpy percentiles for the tails and for wide bands, with ties and odd sizes', () => {
    const r = createRandom(1);
    for (const members of [2, 3, 7, 20, 100, 101]) {
      for (const band of [
        { lower: 5, upper: 95 },
        { lower: 25, upper: 75 },
        { lower: 0, upper: 100 },
        { lower: 10, upper: 50 },
      ]) {
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
    const out = summarize(
      100,
      Float32Array.from({ length: 100 }, (_, i) => 100 - i),
      { lower: 5, upper: 95 },
    );
    expect(out.prediction[0]).toBe(50.5);
    expect(out.lower![0]).toBeCloseTo(5.95, 12);
    expect(out.upper![0]).toBeCloseTo(95.05, 12);
  });

  it('computes only the mean when there is no band, and writes results back through an order', () => {
    const out = { prediction: new Float64Array(2), lower: null, upper: null };
    new MemberSummarizer(2, null).summarize(Float32Array.from([1, 3, 10, 20]), 2, out, Int32Array.from([1, 0]));
    expect(Array.from(out.prediction)).toEqual([15, 2]);
  });

  it('uses the SIMD kernel for tail bands and gives bit-identical results to the JavaScript scan', () => {
    const r = createRandom(2);
    const cases: [number, BandPercentiles][] = [
      [100, { lower: 5, upper: 95 }],
      [100, { lower: 0, upper: 100 }],
      [1, { lower: 5, upper: 95 }],
      [3, { lower: 10, upper: 90 }],
      [8, { lower: 0, upper: 100 }],
      [37, { lower: 2.5, upper: 97.5 }],
      [140, { lower: 5, upper: 95 }],
    ];
    for (const [members, band] of cases) {
      expect(new MemberSummarizer(members, band).kernel).toBe('simd');
      // Row counts around the groups of four and the kernel's chunk size (5,242 rows of 100).
      for (const n of [1, 2, 5, 4, 13, members === 100 ? 5_243 : 9]) {
        const rows = Float32Array.from({ length: n * members }, (_, i) =>
          i % 11 === 0 ? Math.round(r.next() * 8) : r.gaussian() * 1e3,
        );
        const order = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
        const simd = summarize(members, rows, band, {}, order);
        const js = summarize(members, rows, band, { simd: false }, order);
        expect(simd.prediction).toEqual(js.prediction);
        expect(simd.lower).toEqual(js.lower);
        expect(simd.upper).toEqual(js.upper);
      }
    }
  });

  it('handles infinite members and redoes rows with a NaN member the way the JavaScript scan does', () => {
    const members = 20;
    const band = { lower: 5, upper: 95 };
    const rows = Float32Array.from({ length: 6 * members }, (_, i) => (i % members) + 1);
    rows[0 * members + 3] = Infinity;
    rows[1 * members + 7] = -Infinity;
    rows[2 * members + 5] = NaN;
    rows[5 * members + 0] = NaN;
    rows[5 * members + 19] = NaN;
    const simd = summarize(members, rows, band);
    const js = summarize(members, rows, band, { simd: false });
    expect(simd.lower).toEqual(js.lower);
    expect(simd.upper).toEqual(js.upper);
    expect(simd.prediction).toEqual(js.prediction);
    expect(simd.upper![0]).toBe(Infinity);
    // -Infinity in the interpolation: -Infinity + 0.95 * Infinity.
    expect(simd.lower![1]).toBeNaN();
    expect(simd.upper![1]).toBe(19.05);
    expect(simd.prediction[2]).toBeNaN();
  });

  it("keeps the JavaScript scan for bands reaching past the kernel's 8 slots", () => {
    expect(new MemberSummarizer(100, { lower: 25, upper: 75 }).kernel).toBe('js');
    expect(new MemberSummarizer(100, { lower: 5, upper: 90 }).kernel).toBe('js');
    expect(new MemberSummarizer(100, null).kernel).toBe('js');
    expect(new MemberSummarizer(100, { lower: 5, upper: 95 }, { simd: false }).kernel).toBe('js');
  });
});

describe('member-summary.wasm', () => {
  it('is exactly what `npm run build:wasm` makes of member-summary.wat', async () => {
    const built = await compileWat(readFileSync(WAT_FILE, 'utf8'));
    expect(Buffer.from(built).equals(readFileSync(WASM_FILE))).toBe(true);
  });
});
