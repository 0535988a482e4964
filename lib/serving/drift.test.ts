import { describe, expect, it } from 'vitest';
import type { FeatureManifest } from '../model';
import { DriftMonitor, psiAgainstNormal } from './drift';
import { mergedReport } from './drift-summary';
import { createRandom, type Random } from '../plant/random';

const feature: FeatureManifest = {
  name: 'temperature',
  label: 'Temperature',
  unit: '°C',
  min: 300,
  max: 400,
  step: 1,
  training: { mean: 350, std: 20, min: 300, max: 400 },
};

function normal(rand: Random, mean: number, std: number): number {
  return mean + std * rand.gaussian();
}

describe('drift', () => {
  it('gives a PSI near 0 for data like the training data and a large one for shifted data', () => {
    const rand = createRandom(7);
    const same = Array.from({ length: 5000 }, () => normal(rand, 350, 20));
    const shifted = Array.from({ length: 5000 }, () => normal(rand, 375, 10));
    expect(psiAgainstNormal(same, 350, 20)).toBeLessThan(0.02);
    expect(psiAgainstNormal(shifted, 350, 20)).toBeGreaterThan(1);
  });

  it('reports the window mean, spread, out-of-range rate and flags drift over the threshold', () => {
    const rand = createRandom(3);
    const m = new DriftMonitor({ threshold: 0.25, window: 500, minSamples: 100 });
    expect(m.report([feature]).features[0]).toMatchObject({ count: 0, psi: null, drifting: false });
    for (let i = 0; i < 1000; i++) m.observe({ temperature: normal(rand, 350, 20) });
    const calm = m.report([feature]).features[0]!;
    expect(calm.count).toBe(500);
    expect(calm.mean!).toBeCloseTo(350, -1);
    expect(calm.std!).toBeGreaterThan(15);
    expect(calm.drifting).toBe(false);
    for (let i = 0; i < 500; i++) m.observe({ temperature: i % 10 === 0 ? 410 : normal(rand, 385, 5) });
    const drift = m.report([feature]).features[0]!;
    expect(drift.drifting).toBe(true);
    expect(drift.psi!).toBeGreaterThan(0.25);
    expect(drift.outOfRangeRate!).toBeCloseTo(0.1, 2);
  });

  it('adds up the windows of several instances to the figures of all their readings (clustered)', () => {
    const rand = createRandom(11);
    const opts = { threshold: 0.25, window: 1_000, minSamples: 100 };
    const all = new DriftMonitor(opts);
    const parts = [new DriftMonitor(opts), new DriftMonitor(opts), new DriftMonitor(opts)];
    for (let i = 0; i < 900; i++) {
      // Each instance owns one asset; one of them reads hot and sometimes out of range.
      const k = i % 3;
      const v = k === 2 ? (i % 30 === 2 ? 405 : normal(rand, 380, 8)) : normal(rand, 350, 20);
      all.observe({ temperature: v }, `r${k}`);
      parts[k]!.observe({ temperature: v }, `r${k}`);
      // A reading of an asset this instance no longer owns (taken over): not counted.
      if (k === 0) parts[1]!.observe({ temperature: 999 }, 'r0');
    }
    const whole = all.report([feature]).features[0]!;
    const merged = mergedReport(
      [feature],
      parts.map((m, k) => m.sums([feature], (source) => source === `r${k}`)),
      { ...opts, window: 3_000 },
    ).features[0]!;
    expect(merged.count).toBe(900);
    expect(merged.mean!).toBeCloseTo(whole.mean!, 9);
    expect(merged.std!).toBeCloseTo(whole.std!, 6);
    expect(merged.psi!).toBeCloseTo(whole.psi!, 9);
    expect(merged.outOfRangeRate).toBeCloseTo(whole.outOfRangeRate!, 12);
    expect(merged.drifting).toBe(whole.drifting);
  });
});
