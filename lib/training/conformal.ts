/**
 * Split-conformal prediction intervals: calibrate a band on rows the model never trained on, so
 * "90 %" means that about nine measured values in ten fall inside it.
 *
 * With calibration scores s_i = |y_i - ŷ_i| / σ_i (σ_i = 1 for a constant band, the members'
 * standard deviation + floor for a scaled one), the band ŷ ± q·σ with q the ⌈(n+1)·coverage⌉-th
 * smallest score covers a new exchangeable row with probability ≥ coverage (and < coverage +
 * 1/(n+1)). The coverage is then measured on a third split, neither trained nor calibrated on.
 */
export type IntervalScale = 'constant' | 'member-std';

export interface ConformalCalibration {
  coverage: number;
  scale: IntervalScale;
  halfWidth: number;
  floor: number;
  calibrationRows: number;
}

/** The conformal quantile of `scores` for `coverage` (the finite-sample corrected rank). */
export function conformalQuantile(scores: ArrayLike<number>, coverage: number): number {
  const n = scores.length;
  if (n === 0) throw new Error('conformal calibration needs at least one row');
  const sorted = Float64Array.from(scores).sort();
  const rank = Math.ceil((n + 1) * coverage);
  return sorted[Math.min(n, rank) - 1]!;
}

/**
 * Calibrates on held-out rows: actual values, predictions and (for "member-std") the members'
 * standard deviations. The floor keeps a scaled band from vanishing where the members agree:
 * the median member spread, so rows with little spread are scaled by at least that.
 */
export function calibrate(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  coverage: number,
  spread?: ArrayLike<number>,
): ConformalCalibration {
  const n = actual.length;
  const scale: IntervalScale = spread ? 'member-std' : 'constant';
  const floor = spread ? median(spread) : 0;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sigma = spread ? spread[i]! + floor : 1;
    scores[i] = Math.abs(actual[i]! - predicted[i]!) / sigma;
  }
  return { coverage, scale, halfWidth: conformalQuantile(scores, coverage), floor, calibrationRows: n };
}

/** Half-width of row i's band under `c`. */
export function halfWidthAt(c: ConformalCalibration, spread: number | undefined): number {
  return c.scale === 'member-std' ? c.halfWidth * ((spread ?? 0) + c.floor) : c.halfWidth;
}

/** Share of rows whose actual value lies within [lower, upper]. */
export function measuredCoverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return inside / actual.length;
}

function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
