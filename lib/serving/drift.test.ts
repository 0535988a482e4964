import { describe, expect, it } from 'vitest';
import type { FeatureManifest } from '../model';
import { DriftMonitor, psiAgainstNormal } from './drift';
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
});
