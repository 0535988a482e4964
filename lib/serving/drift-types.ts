/** What the drift report says per feature (drift.ts computes it; drift-summary.ts merges instances' sums into it). */
export interface DriftFeature {
  name: string;
  label: string;
  unit: string;
  /** Readings in the window. */
  count: number;
  mean: number | null;
  std: number | null;
  trainingMean: number | null;
  trainingStd: number | null;
  /** null until MIN_SAMPLES readings, or without training statistics. */
  psi: number | null;
  outOfRangeRate: number | null;
  drifting: boolean;
}

export interface DriftReport {
  threshold: number;
  window: number;
  features: DriftFeature[];
}
