import { describe, expect, it } from 'vitest';
import { AbStats } from './ab-stats';
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
});
