/**
 * Input drift: per feature, the live readings of the last WINDOW points compared with the
 * training statistics in twin.json. The population stability index (PSI) is taken over ten
 * buckets of equal probability under a normal with the training mean and std (so each bucket
 * expects 10 %); the out-of-range rate is the share of readings outside the valid range.
 * PSI < 0.1 is usually read as stable, 0.1-0.25 as a shift to watch, > 0.25 as drift.
 */
import type { FeatureManifest } from '../model';
import { DECILE_Z, driftFeature, psiOfCounts, sumsOf, type FeatureSums } from './drift-summary';

import type { DriftFeature, DriftReport } from './drift-types';

export type { DriftFeature, DriftReport };

/** PSI of `values` against N(mean, std), ten equal-probability buckets. */
export function psiAgainstNormal(values: ArrayLike<number>, mean: number, std: number): number {
  const counts = new Array<number>(DECILE_Z.length + 1).fill(0);
  const edges = DECILE_Z.map((z) => mean + z * std);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let b = 0;
    while (b < edges.length && v >= edges[b]!) b++;
    counts[b]!++;
  }
  return psiOfCounts(counts, values.length);
}

export interface DriftOptions {
  threshold: number;
  /** Readings per feature kept (the newest). */
  window?: number;
  /** Readings needed before a PSI is given. */
  minSamples?: number;
}

export class DriftMonitor {
  readonly window: number;
  readonly minSamples: number;
  private readonly rings = new Map<string, { values: Float64Array; sources: (string | undefined)[]; n: number }>();

  constructor(private readonly opts: DriftOptions) {
    this.window = opts.window ?? 1_000;
    this.minSamples = opts.minSamples ?? 100;
  }

  get threshold(): number {
    return this.opts.threshold;
  }

  /**
   * One reading (feature name -> value); non-finite values are ignored. `source` (the asset) lets
   * a clustered instance count only the assets it owns now (sums()).
   */
  observe(values: Record<string, number>, source?: string): void {
    for (const [name, v] of Object.entries(values)) {
      if (!Number.isFinite(v)) continue;
      let ring = this.rings.get(name);
      if (!ring)
        this.rings.set(name, (ring = { values: new Float64Array(this.window), sources: new Array(this.window), n: 0 }));
      ring.sources[ring.n % this.window] = source;
      ring.values[ring.n++ % this.window] = v;
    }
  }

  /** The window's sums per feature (drift-summary.ts), only readings whose source `counts`. */
  sums(features: readonly FeatureManifest[], counts: (source: string | undefined) => boolean): FeatureSums[] {
    return features.map((f) => {
      const ring = this.rings.get(f.name);
      const n = ring ? Math.min(ring.n, this.window) : 0;
      const kept: number[] = [];
      for (let i = 0; i < n; i++) if (counts(ring!.sources[i])) kept.push(ring!.values[i]!);
      return sumsOf(f, kept);
    });
  }

  /** The window of every feature of `features` against its training statistics. */
  report(features: readonly FeatureManifest[]): DriftReport {
    return {
      threshold: this.threshold,
      window: this.window,
      features: features.map((f) => {
        const ring = this.rings.get(f.name);
        const n = ring ? Math.min(ring.n, this.window) : 0;
        const values = ring ? ring.values.subarray(0, n) : new Float64Array(0);
        let sum = 0;
        let outside = 0;
        for (const v of values) {
          sum += v;
          if (v < f.min || v > f.max) outside++;
        }
        const mean = n ? sum / n : null;
        let sq = 0;
        if (mean !== null) for (const v of values) sq += (v - mean) ** 2;
        const t = f.training;
        const psi = t && t.std > 0 && n >= this.minSamples ? psiAgainstNormal(values, t.mean, t.std) : null;
        const std = n > 1 ? Math.sqrt(sq / (n - 1)) : null;
        return driftFeature(f, { count: n, mean, std, psi, outside }, this.threshold);
      }),
    };
  }
}
