import { describe, expect, it } from 'vitest';
import {
  PROCESS_FEATURES,
  PROCESS_FEATURE_NAMES,
  PROCESS_OPTIMUM,
  PROCESS_OPTIMUM_YIELD,
  YIELD_NOISE_STD,
  createRandom,
  measuredYield,
  processYield,
  randomOperatingPoint,
  type OperatingPoint,
} from './process-model';

/** Every point of a grid over the valid box (n steps per axis). */
function grid(n: number): OperatingPoint[] {
  const axis = (i: number) =>
    Array.from(
      { length: n + 1 },
      (_, k) => PROCESS_FEATURES[i]!.min + ((PROCESS_FEATURES[i]!.max - PROCESS_FEATURES[i]!.min) * k) / n,
    );
  return axis(0).flatMap((temperature) =>
    axis(1).flatMap((pressure) => axis(2).map((flow) => ({ temperature, pressure, flow }))),
  );
}

describe('process model', () => {
  it('exports the three signals in input order with their valid ranges and units', () => {
    expect(PROCESS_FEATURE_NAMES).toEqual(['temperature', 'pressure', 'flow']);
    expect(PROCESS_FEATURES.map((f) => [f.label, f.unit, f.min, f.max])).toEqual([
      ['Temperature', '°C', 300, 400],
      ['Pressure', 'bar', 1, 10],
      ['Flow', 'kg/h', 50, 150],
    ]);
  });

  it('peaks inside the valid box, at the exported optimum', () => {
    expect(processYield(PROCESS_OPTIMUM)).toBe(PROCESS_OPTIMUM_YIELD);
    for (const p of grid(20)) expect(processYield(p)).toBeLessThanOrEqual(PROCESS_OPTIMUM_YIELD);
    for (const f of PROCESS_FEATURES) {
      for (const d of [-0.01, 0.01]) {
        const nudged = { ...PROCESS_OPTIMUM, [f.name]: PROCESS_OPTIMUM[f.name] + d * (f.max - f.min) };
        expect(processYield(nudged)).toBeLessThan(PROCESS_OPTIMUM_YIELD);
      }
    }
    for (const f of PROCESS_FEATURES) {
      expect(PROCESS_OPTIMUM[f.name]).toBeGreaterThan(f.min);
      expect(PROCESS_OPTIMUM[f.name]).toBeLessThan(f.max);
    }
  });

  it('keeps yields plausible: 85-92 % near the optimum, mostly 40-95 % over the box', () => {
    const near = [
      { temperature: 355, pressure: 6, flow: 100 },
      { temperature: 365, pressure: 5.5, flow: 110 },
      { temperature: 350, pressure: 6.5, flow: 90 },
    ];
    for (const p of near) expect(processYield(p)).toBeGreaterThanOrEqual(85);
    const yields = grid(20).map(processYield);
    const inBand = yields.filter((y) => y >= 40 && y <= 95).length / yields.length;
    expect(inBand).toBeGreaterThan(0.95);
    expect(Math.min(...yields)).toBeGreaterThan(30);
    expect(Math.max(...yields)).toBeLessThanOrEqual(92);
  });

  it('depends on every signal, with interactions (not a sum of one-signal curves)', () => {
    const base = { ...PROCESS_OPTIMUM };
    for (const f of PROCESS_FEATURES)
      expect(processYield({ ...base, [f.name]: f.min })).toBeLessThan(PROCESS_OPTIMUM_YIELD - 3);
    // Additive would make these two differences equal.
    const hot = { ...base, temperature: 390 };
    const dPressureCool = processYield({ ...base, pressure: 9 }) - processYield(base);
    const dPressureHot = processYield({ ...hot, pressure: 9 }) - processYield(hot);
    expect(Math.abs(dPressureHot - dPressureCool)).toBeGreaterThan(1);
  });

  it('adds seeded gaussian measurement noise: same seed, same readings', () => {
    const draw = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 5 }, () => measuredYield(randomOperatingPoint(r), r));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));

    const r = createRandom(11);
    const errors = Array.from({ length: 20_000 }, () => measuredYield(PROCESS_OPTIMUM, r) - PROCESS_OPTIMUM_YIELD);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const std = Math.sqrt(errors.reduce((a, e) => a + (e - mean) ** 2, 0) / errors.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeCloseTo(YIELD_NOISE_STD, 1);
  });

  it('samples operating points inside the valid box', () => {
    const r = createRandom(5);
    for (let i = 0; i < 1000; i++) {
      const p = randomOperatingPoint(r);
      for (const f of PROCESS_FEATURES) {
        expect(p[f.name]).toBeGreaterThanOrEqual(f.min);
        expect(p[f.name]).toBeLessThanOrEqual(f.max);
      }
    }
  });
});
