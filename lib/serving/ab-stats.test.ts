import { describe, expect, it } from 'vitest';
import { AbStats, mergeTotals } from './ab-stats';
import { splitRows } from './ab-split';
import { createRandom } from '../plant/random';

describe('A/B figures', () => {
  it('gives count, mean, latency percentiles and MAE per version, in the order asked', () => {
    const s = new AbStats();
    for (let i = 1; i <= 100; i++) s.record('1.0.0', 80 + (i % 2), i, 81);
    s.record('1.1.0', 90, 2);
    const [a, b, c] = s.summary(['1.0.0', '1.1.0', '2.0.0']).versions;
    expect(a).toMatchObject({
      version: '1.0.0',
      count: 100,
      meanPrediction: 80.5,
      latencyP50Ms: 50,
      latencyP99Ms: 99,
      withActual: 100,
      mae: 0.5,
    });
    expect(b).toMatchObject({ version: '1.1.0', count: 1, meanPrediction: 90, withActual: 0, mae: null });
    expect(c).toMatchObject({ version: '2.0.0', count: 0, meanPrediction: null, latencyP50Ms: null });
    s.reset();
    expect(s.summary(['1.0.0']).versions[0]!.count).toBe(0);
  });

  it('splits rows at the chosen share', () => {
    const rand = createRandom(11);
    const rows = splitRows(10_000, 0.2, () => rand.next());
    const share = rows.filter(Boolean).length / rows.length;
    expect(Math.abs(share - 0.2)).toBeLessThan(0.015);
  });

  it("merges two instances' totals into the figures one instance would have counted", () => {
    const one = new AbStats();
    const two = new AbStats();
    const both = new AbStats();
    for (let i = 0; i < 30; i++) {
      const stats = i % 3 ? one : two;
      for (const s of [stats, both]) s.record('1.0.0', 80 + i, 10 + i, i % 2 ? 81 : undefined);
    }
    const merged = mergeTotals('1.0.0', [...one.totals(['1.0.0']), ...two.totals(['1.0.0'])]);
    const whole = both.summary(['1.0.0']).versions[0]!;
    expect(merged.count).toBe(30);
    expect(merged.meanPrediction).toBeCloseTo(whole.meanPrediction!, 9);
    expect(merged.withActual).toBe(whole.withActual);
    expect(merged.mae).toBeCloseTo(whole.mae!, 9);
    // Quantiles do not add up: the slowest instance's.
    const p99s = [one, two].map((s) => s.summary(['1.0.0']).versions[0]!.latencyP99Ms!);
    expect(merged.latencyP99Ms).toBe(Math.max(...p99s));
    expect(mergeTotals('2.0.0', [])).toMatchObject({ count: 0, meanPrediction: null, mae: null, latencyP50Ms: null });
  });
});
