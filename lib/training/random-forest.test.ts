import { describe, expect, it } from 'vitest';
import { createRandom } from '../plant/random';
import { countLeaves, fitForest, predictForest, type Dataset, type Tree } from './random-forest';

function dataset(rows: number, seed: number, fn: (a: number, b: number) => number): Dataset {
  const r = createRandom(seed);
  const x = new Float32Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i * 2] = r.next() * 4 - 2;
    x[i * 2 + 1] = r.next() * 4 - 2;
    y[i] = fn(x[i * 2]!, x[i * 2 + 1]!);
  }
  return { x, y, rows, featureCount: 2 };
}

function depthOf(tree: Tree, node = 0): number {
  if (tree.feature[node]! < 0) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node]!), depthOf(tree, tree.right[node]!));
}

describe('random forest', () => {
  const step = (a: number, b: number) => (a > 0.5 ? 10 : 0) + (b > -1 ? 5 : 0);

  it('learns an axis-aligned step function exactly', () => {
    const data = dataset(500, 1, step);
    const forest = fitForest(data, { trees: 5, maxDepth: 4, minSamplesLeaf: 1, seed: 1 });
    const probe = Float32Array.from([1, 0, -1, 0, 1, -1.5, -1, -1.5]);
    expect(Array.from(predictForest(forest, probe, 4))).toEqual([15, 5, 10, 0]);
  });

  it('respects max depth and min samples per leaf', () => {
    const data = dataset(400, 2, (a, b) => Math.sin(a * 3) + b * b);
    const forest = fitForest(data, { trees: 3, maxDepth: 5, minSamplesLeaf: 20, seed: 2, bootstrap: false });
    for (const tree of forest.trees) {
      expect(depthOf(tree)).toBeLessThanOrEqual(5);
      expect(countLeaves(tree)).toBeLessThanOrEqual(400 / 20);
    }
  });

  it('puts float32 thresholds strictly between training values and float32 leaf values', () => {
    const data = dataset(300, 3, (a, b) => a * b);
    const forest = fitForest(data, { trees: 2, maxDepth: 6, minSamplesLeaf: 2, seed: 3 });
    const values = Array.from(
      { length: 2 },
      (_, f) => new Set(Array.from({ length: data.rows }, (_, r) => data.x[r * 2 + f]!)),
    );
    for (const tree of forest.trees) {
      for (let i = 0; i < tree.feature.length; i++) {
        if (tree.feature[i]! < 0) {
          expect(Math.fround(tree.value[i]!)).toBe(tree.value[i]);
        } else {
          expect(Math.fround(tree.threshold[i]!)).toBe(tree.threshold[i]);
          // Training values fall on both sides (x <= threshold goes left, as BRANCH_LEQ does).
          const seen = [...values[tree.feature[i]!]!];
          expect(seen.some((v) => v <= tree.threshold[i]!)).toBe(true);
          expect(seen.some((v) => v > tree.threshold[i]!)).toBe(true);
        }
      }
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const data = dataset(300, 4, (a, b) => a + Math.cos(b));
    const fit = (seed: number) => fitForest(data, { trees: 4, maxDepth: 6, minSamplesLeaf: 3, seed, maxFeatures: 1 });
    expect(fit(9)).toEqual(fit(9));
    expect(fit(9)).not.toEqual(fit(10));
  });

  it('refuses degenerate options', () => {
    const data = dataset(10, 5, step);
    expect(() => fitForest(data, { trees: 0, maxDepth: 3, minSamplesLeaf: 1, seed: 1 })).toThrow('must be >= 1');
  });
});
