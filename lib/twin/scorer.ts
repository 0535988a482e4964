/**
 * What the pipeline needs from a model, and nothing more. The model manager provides the real one
 * (`servingScorer` in lib/serving/serving-scorer.ts, over the serving ONNX versions); the pipeline
 * never imports the runtime, nor knows which versions serve.
 */
import type { SignalInfo } from './types';

export interface ScoreResult {
  prediction: number;
  lower: number | null;
  upper: number | null;
  /** The model version that made it, when a scorer routes rows to several (A/B test). */
  version?: string;
}

export type RowCheck =
  /** Every feature present, finite and in its valid range: the model's input row. */
  | { ok: true; row: number[] }
  /** Present and numeric, but outside the valid range: shown and stored, flagged, not scored. */
  | { ok: false; outOfRange: string[] };

export interface Scorer {
  readonly name: string;
  readonly version: string;
  readonly features: SignalInfo[];
  readonly target: { name: string; label: string; unit: string };
  /** Default alert limits of the target, from the package. */
  readonly targetLimits: { low: number; high: number } | null;
  check(values: Record<string, number>): RowCheck;
  /**
   * One model run for all rows (row-major, features in input order). `actuals`: the measured
   * target of each row where known, for the figures of a shadow challenger (never in the results).
   */
  scoreRows(
    rows: Float32Array,
    n: number,
    context?: { actuals?: readonly (number | undefined)[] },
  ): Promise<{ results: ScoreResult[]; inferenceMs: number }>;
}
