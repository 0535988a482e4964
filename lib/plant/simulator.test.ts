import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS, DEFAULT_SIGNALS, Simulator } from './simulator';

const run = (seed: number, steps: number, opts: Partial<ConstructorParameters<typeof Simulator>[0]> = {}) => {
  const sim = new Simulator({ assets: DEFAULT_ASSETS, signals: DEFAULT_SIGNALS, seed, ...opts });
  const out = [];
  for (let i = 0; i < steps; i++) out.push(...sim.step(0.5, 1_000 + i * 500));
  return out;
};

describe('Simulator', () => {
  it('replays exactly from its seed, and differs with another seed', () => {
    expect(run(7, 200)).toEqual(run(7, 200));
    expect(run(7, 50)).not.toEqual(run(8, 50));
  });

  it('gives one reading per asset per step with every signal, stamped with the step time', () => {
    const readings = run(1, 2);
    expect(readings.map((r) => r.assetId)).toEqual([
      'reactor-1',
      'reactor-2',
      'reactor-3',
      'reactor-1',
      'reactor-2',
      'reactor-3',
    ]);
    expect(readings[3]!.ts).toBe(1_500);
    expect(Object.keys(readings[0]!.values)).toEqual(['temperature', 'pressure', 'flow']);
  });

  it('keeps each asset near its own setpoints without disturbances', () => {
    const readings = run(3, 600, { disturbanceEverySeconds: 0, setpointChangeEverySeconds: 0 });
    for (const asset of DEFAULT_ASSETS) {
      const temps = readings.filter((r) => r.assetId === asset.id).map((r) => r.values.temperature!);
      const mean = temps.reduce((s, v) => s + v, 0) / temps.length;
      expect(Math.abs(mean - asset.setpoints.temperature!)).toBeLessThan(6);
    }
  });

  it('now and then pushes a signal past its valid range (so limits really trip)', () => {
    // One hour at 2 Hz with the default disturbance rate.
    const readings = run(11, 7_200);
    const outside = readings.filter((r) =>
      DEFAULT_SIGNALS.some((s) => r.values[s.name]! > s.max || r.values[s.name]! < s.min),
    );
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length / readings.length).toBeLessThan(0.2);
  });

  it('records the true yield when given the ground truth', () => {
    const [r] = run(1, 1, { truth: (v) => v.temperature! / 10 });
    expect(r!.actual).toBeCloseTo(35.5, 0);
  });
});

describe('Simulator disturbances', () => {
  it('include cold-feed events that stay in range but take the true yield below 70 %', async () => {
    const { processYield } = await import('./ground-truth');
    const sim = new Simulator({ assets: DEFAULT_ASSETS, signals: DEFAULT_SIGNALS, seed: 5, truth: processYield });
    let lowYieldInRange = 0;
    for (let i = 0; i < 7_200; i++) {
      for (const r of sim.step(0.5, i * 500)) {
        const inRange = DEFAULT_SIGNALS.every((s) => r.values[s.name]! >= s.min && r.values[s.name]! <= s.max);
        if (inRange && r.actual! < 70) lowYieldInRange++;
      }
    }
    expect(lowYieldInRange).toBeGreaterThan(0);
  });
});
