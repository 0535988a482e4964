import { describe, expect, it } from 'vitest';
import { optimize, quadraticPeak, type BatchScorer } from './optimize';
import { conformalQuantile } from '../training/conformal';

const FEATURES = [
  { name: 'a', min: 0, max: 10, step: 0.1 },
  { name: 'b', min: -5, max: 5, step: 0.5 },
];

/** A smooth bowl peaking at (6.3, 1.5), and a staircase of it (what a tree model looks like). */
const bowl = (a: number, b: number) => 50 - (a - 6.3) ** 2 - 2 * (b - 1.5) ** 2 - 0.5 * (a - 6.3) * (b - 1.5);
function scorer(f: (a: number, b: number) => number): BatchScorer {
  return async (rows, n) => {
    const prediction = Array.from({ length: n }, (_, i) => f(rows[2 * i]!, rows[2 * i + 1]!));
    return { prediction, lower: prediction.map((p) => p - 1), upper: prediction.map((p) => p + 1) };
  };
}

describe('optimize', () => {
  it('finds the peak of a smooth surface, and of a stepped one, on the sliders steps', async () => {
    const smooth = await optimize({ features: FEATURES, goal: { kind: 'maximize' } }, scorer(bowl));
    expect(smooth.values).toEqual({ a: 6.3, b: 1.5 });
    expect(smooth.lower).toBe(smooth.prediction - 1);
    const steps = (a: number, b: number) => Math.floor(bowl(a, b) * 2) / 2;
    const stepped = await optimize({ features: FEATURES, goal: { kind: 'maximize' } }, scorer(steps));
    expect(Math.abs(stepped.values.a! - 6.3)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(stepped.values.b! - 1.5)).toBeLessThanOrEqual(0.5);
  });

  it('keeps to the bounds and reports the change from the live values', async () => {
    const r = await optimize(
      { features: FEATURES, goal: { kind: 'maximize' }, bounds: { a: { max: 4 } }, from: { a: 2, b: 0 } },
      scorer(bowl),
    );
    expect(r.values.a).toBe(4);
    expect(r.change).toEqual({ a: 2, b: r.values.b });
  });

  it('reaches a target with the least change, or says it cannot', async () => {
    const from = { a: 3, b: 1.5 };
    const r = await optimize({ features: FEATURES, goal: { kind: 'target', target: 45 }, from }, scorer(bowl));
    expect(r.feasible).toBe(true);
    expect(r.prediction).toBeGreaterThanOrEqual(45);
    // Least change: a moves only as far as needed (bowl(a, 1.5) >= 45 from a ≈ 4.06).
    expect(r.values.a!).toBeLessThan(5);
    const already = await optimize({ features: FEATURES, goal: { kind: 'target', target: 30 }, from }, scorer(bowl));
    expect(already.values).toEqual(from);
    const never = await optimize({ features: FEATURES, goal: { kind: 'target', target: 60 }, from }, scorer(bowl));
    expect(never.feasible).toBe(false);
  });

  it('quadraticPeak gives null for a surface without a maximum', () => {
    const points: number[][] = [];
    const y: number[] = [];
    for (let a = 0; a <= 4; a++)
      for (let b = 0; b <= 4; b++) {
        points.push([a, b]);
        y.push(a * a + b * b);
      }
    expect(
      quadraticPeak(points, y, [
        { lo: 0, hi: 4 },
        { lo: 0, hi: 4 },
      ]),
    ).toBeNull();
  });
});

describe('conformalQuantile', () => {
  it('takes the ceil((n+1)·coverage)-th smallest score', () => {
    const scores = Array.from({ length: 19 }, (_, i) => 19 - i); // 1..19 reversed
    expect(conformalQuantile(scores, 0.9)).toBe(18);
    expect(conformalQuantile(scores, 0.99)).toBe(19);
  });
});
