/**
 * Drift figures that add up across instances (clustered mode, issue 16): each instance sees only
 * the readings of the assets it owns, so it sums up its window per feature (count, sum, sum of
 * squares, readings out of range, and the counts in the PSI's ten training buckets) and the
 * figures an admin sees are computed from the sums of every instance serving the same model.
 */
import type { FeatureManifest } from '../model';
import type { DriftFeature, DriftReport } from './drift-types';

/** Standard normal quantiles at 10 %, 20 %, ... 90 %: the bucket edges in std units. */
export const DECILE_Z = [-1.2815516, -0.8416212, -0.5244005, -0.2533471, 0, 0.2533471, 0.5244005, 0.8416212, 1.2815516];
/** Empty buckets would make the PSI infinite; count them as this fraction instead. */
const EPSILON = 1e-4;

/** PSI of bucket counts (of `total` readings) against equal expected shares. */
export function psiOfCounts(counts: readonly number[], total: number): number {
  const expected = 1 / counts.length;
  let psi = 0;
  for (const c of counts) {
    const actual = Math.max(c / total, EPSILON);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}

export interface FeatureSums {
  name: string;
  count: number;
  sum: number;
  sumSq: number;
  outside: number;
  /** Readings per training bucket (ten); null without training statistics. */
  buckets: number[] | null;
}

/** One instance's window, tagged with the serving model it was judged against (`name/version`). */
export interface DriftSums {
  model: string;
  features: FeatureSums[];
}

/** Sums of `values` for feature `f` (bucket edges from its training mean and std). */
export function sumsOf(f: FeatureManifest, values: Iterable<number>): FeatureSums {
  const t = f.training;
  const edges = t && t.std > 0 ? DECILE_Z.map((z) => t.mean + z * t.std) : null;
  const buckets = edges ? new Array<number>(edges.length + 1).fill(0) : null;
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let outside = 0;
  for (const v of values) {
    count++;
    sum += v;
    sumSq += v * v;
    if (v < f.min || v > f.max) outside++;
    if (edges && buckets) {
      let b = 0;
      while (b < edges.length && v >= edges[b]!) b++;
      buckets[b]!++;
    }
  }
  return { name: f.name, count, sum, sumSq, outside, buckets };
}

/** The report of the added-up windows (each instance's own window size: `window` is their sum). */
export function mergedReport(
  features: readonly FeatureManifest[],
  parts: readonly FeatureSums[][],
  opts: { threshold: number; window: number; minSamples: number },
): DriftReport {
  return {
    threshold: opts.threshold,
    window: opts.window,
    features: features.map((f): DriftFeature => {
      const mine = parts.map((p) => p.find((s) => s.name === f.name)).filter((s): s is FeatureSums => !!s);
      const n = mine.reduce((a, s) => a + s.count, 0);
      const sum = mine.reduce((a, s) => a + s.sum, 0);
      const sumSq = mine.reduce((a, s) => a + s.sumSq, 0);
      const outside = mine.reduce((a, s) => a + s.outside, 0);
      const mean = n ? sum / n : null;
      const t = f.training;
      let psi: number | null = null;
      if (t && t.std > 0 && n >= opts.minSamples && mine.every((s) => s.buckets)) {
        const counts = mine[0]!.buckets!.map((_, b) => mine.reduce((a, s) => a + s.buckets![b]!, 0));
        psi = psiOfCounts(counts, n);
      }
      // From the sums: the same figure as two passes up to rounding.
      const std = n > 1 && mean !== null ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : null;
      return driftFeature(f, { count: n, mean, std, psi, outside }, opts.threshold);
    }),
  };
}

/** One feature's line of the report from its window's figures (one instance's, or added up). */
export function driftFeature(
  f: FeatureManifest,
  x: { count: number; mean: number | null; std: number | null; psi: number | null; outside: number },
  threshold: number,
): DriftFeature {
  return {
    name: f.name,
    label: f.label,
    unit: f.unit,
    count: x.count,
    mean: x.mean,
    std: x.std,
    trainingMean: f.training?.mean ?? null,
    trainingStd: f.training?.std ?? null,
    psi: x.psi,
    outOfRangeRate: x.count ? x.outside / x.count : null,
    drifting: x.psi !== null && x.psi > threshold,
  };
}
