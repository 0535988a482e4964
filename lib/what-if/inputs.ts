/**
 * What-if inputs built from the model package's features (twin.json), and batch answers mapped
 * back onto them. Pure functions shared by the page (server) and the explorer (browser).
 */
import type { FeatureManifest } from '../model/manifest';

/** What the explorer needs of a feature: label, unit, valid range, slider step, training stats. */
export type WhatIfFeature = Pick<FeatureManifest, 'name' | 'label' | 'unit' | 'min' | 'max' | 'step' | 'training'>;

/** Feature name -> value. */
export type FeatureValues = Record<string, number>;

/** One scored item of `POST /api/v1/twin/batch`. */
export interface BatchResult {
  index: number;
  prediction: number;
  lower: number | null;
  upper: number | null;
}

/** Decimals a step needs: 1 -> 0, 0.1 -> 1, 0.25 -> 2. */
export function stepDecimals(step: number): number {
  for (let d = 0; d <= 10; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  }
  return 10;
}

export function clampToRange(value: number, f: Pick<WhatIfFeature, 'min' | 'max'>): number {
  return Math.min(f.max, Math.max(f.min, value));
}

/** The nearest slider position: inside the range, on the step grid, without float noise. */
export function snapToStep(value: number, f: Pick<WhatIfFeature, 'min' | 'max' | 'step'>): number {
  const steps = Math.round((clampToRange(value, f) - f.min) / f.step);
  const snapped = clampToRange(f.min + steps * f.step, f);
  return Number(snapped.toFixed(Math.max(stepDecimals(f.step), stepDecimals(f.min))));
}

/**
 * Starting slider values: the asset's latest reading where it has one, else the training mean,
 * else mid-range; always a valid slider position.
 */
export function initialValues(
  features: readonly WhatIfFeature[],
  latest?: Readonly<FeatureValues> | null,
): FeatureValues {
  const out: FeatureValues = {};
  for (const f of features) {
    const live = latest?.[f.name];
    const start = live !== undefined && Number.isFinite(live) ? live : (f.training?.mean ?? (f.min + f.max) / 2);
    out[f.name] = snapToStep(start, f);
  }
  return out;
}

/** Every value moved inside its feature's valid range (for sweeps, which must all be scorable). */
export function clampValues(features: readonly WhatIfFeature[], values: Readonly<FeatureValues>): FeatureValues {
  const out: FeatureValues = {};
  for (const f of features) out[f.name] = clampToRange(values[f.name] ?? (f.min + f.max) / 2, f);
  return out;
}

/** `n` evenly spaced values from `min` to `max`, both included. */
export function linspace(min: number, max: number, n: number): number[] {
  if (n <= 1) return [min];
  const step = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + i * step));
}

export interface SweepSlice {
  feature: string;
  /** Index of this feature's first input in the batch. */
  offset: number;
  /** The swept values, in order. */
  x: number[];
}

export interface SweepPlan {
  inputs: FeatureValues[];
  slices: SweepSlice[];
}

/**
 * For each feature, `points` inputs across its valid range with the others held at `held`, all in
 * one list (one batch request); `slices` says which inputs belong to which feature.
 */
export function buildSweeps(
  features: readonly WhatIfFeature[],
  held: Readonly<FeatureValues>,
  points: number,
): SweepPlan {
  const base = clampValues(features, held);
  const inputs: FeatureValues[] = [];
  const slices: SweepSlice[] = [];
  for (const f of features) {
    const x = linspace(f.min, f.max, points);
    slices.push({ feature: f.name, offset: inputs.length, x });
    for (const v of x) inputs.push({ ...base, [f.name]: v });
  }
  return { inputs, slices };
}

export interface GridPlan {
  /** First feature: the heatmap's columns. */
  xFeature: string;
  /** Second feature: its rows. */
  yFeature: string;
  x: number[];
  y: number[];
  /** Row-major: input `iy * x.length + ix` is (x[ix], y[iy]). */
  inputs: FeatureValues[];
}

/**
 * An `n` x `n` grid over the first two features' ranges with the rest held at `held`; null for a
 * model with a single feature (no heatmap).
 */
export function buildGrid(
  features: readonly WhatIfFeature[],
  held: Readonly<FeatureValues>,
  n: number,
): GridPlan | null {
  const [fx, fy] = features;
  if (!fx || !fy) return null;
  const base = clampValues(features, held);
  const x = linspace(fx.min, fx.max, n);
  const y = linspace(fy.min, fy.max, n);
  const inputs: FeatureValues[] = [];
  for (const vy of y) for (const vx of x) inputs.push({ ...base, [fx.name]: vx, [fy.name]: vy });
  return { xFeature: fx.name, yFeature: fy.name, x, y, inputs };
}

/**
 * Sizes that keep each request within the server's batch limit: up to 30 points per curve and a
 * 25 x 25 grid.
 */
export function batchSizes(featureCount: number, maxBatch: number): { sweepPoints: number; gridSize: number } {
  const sweepPoints = Math.max(2, Math.min(30, Math.floor(maxBatch / Math.max(1, featureCount))));
  const gridSize = Math.max(2, Math.min(25, Math.floor(Math.sqrt(maxBatch))));
  return { sweepPoints, gridSize };
}

/** Batch results by input index (refused items are absent). */
function byIndex(results: readonly BatchResult[]): Map<number, BatchResult> {
  return new Map(results.map((r) => [r.index, r]));
}

export interface Curve {
  feature: string;
  x: number[];
  /** null where the item was refused. */
  prediction: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

/** One curve per sweep slice, from the batch answer to `plan.inputs`. */
export function curvesFromBatch(plan: SweepPlan, results: readonly BatchResult[]): Curve[] {
  const found = byIndex(results);
  return plan.slices.map(({ feature, offset, x }) => {
    const items = x.map((_, i) => found.get(offset + i));
    return {
      feature,
      x,
      prediction: items.map((r) => r?.prediction ?? null),
      lower: items.map((r) => r?.lower ?? null),
      upper: items.map((r) => r?.upper ?? null),
    };
  });
}

/** The heatmap's z matrix (`z[iy][ix]`, Plotly's orientation), null where refused. */
export function heatmapFromBatch(grid: GridPlan, results: readonly BatchResult[]): (number | null)[][] {
  const found = byIndex(results);
  return grid.y.map((_, iy) => grid.x.map((_, ix) => found.get(iy * grid.x.length + ix)?.prediction ?? null));
}

/** Relative change of `value` against `reference`, in percent; null when undefined. */
export function relativeChange(value: number, reference: number | null | undefined): number | null {
  if (reference === null || reference === undefined || !Number.isFinite(reference) || reference === 0) return null;
  return ((value - reference) / Math.abs(reference)) * 100;
}
