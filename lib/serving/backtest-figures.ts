/**
 * The figures of a backtest (backtest.ts), accumulated row by row in constant memory: per version
 * the MAE, bias and band coverage against the measured values, and the overlay chart's mean per
 * time bucket of each series.
 */

/** Buckets of the overlay chart (mean per bucket of each series). */
export const OVERLAY_BUCKETS = 200;

/** One version's figures over the rows it could score. */
export interface BacktestFigures {
  version: string;
  /** Rows scored (inside the model's valid ranges). */
  scored: number;
  /** Of those, rows with a measured value. */
  withActual: number;
  /** Mean |prediction - actual|. */
  mae: number | null;
  /** Mean (prediction - actual): positive = predicts too high. */
  bias: number | null;
  /** Share of measured values inside the band; null without a band. */
  coverage: number | null;
}

/** The overlay chart: bucket centre times and the mean of each series per bucket (null where a bucket has none). */
export interface OverlaySeries {
  t: number[];
  candidate: (number | null)[];
  serving: (number | null)[];
  actual: (number | null)[];
}

/** One version's running figures. */
export class Tally {
  scored = 0;
  withActual = 0;
  absErr = 0;
  err = 0;
  banded = 0;
  inside = 0;
  constructor(private readonly version: string) {}
  add(prediction: number, lower: number | null, upper: number | null, actual: number | null): void {
    this.scored++;
    if (actual === null || !Number.isFinite(actual)) return;
    this.withActual++;
    this.absErr += Math.abs(prediction - actual);
    this.err += prediction - actual;
    if (lower !== null && upper !== null) {
      this.banded++;
      if (actual >= lower && actual <= upper) this.inside++;
    }
  }
  figures(): BacktestFigures {
    const n = this.withActual;
    return {
      version: this.version,
      scored: this.scored,
      withActual: n,
      mae: n ? this.absErr / n : null,
      bias: n ? this.err / n : null,
      coverage: this.banded ? this.inside / this.banded : null,
    };
  }
}

/** Mean per bucket of one series (null where a bucket has none). */
export class Overlay {
  private readonly sums = {
    candidate: new Float64Array(OVERLAY_BUCKETS),
    serving: new Float64Array(OVERLAY_BUCKETS),
    actual: new Float64Array(OVERLAY_BUCKETS),
  };
  private readonly counts = {
    candidate: new Uint32Array(OVERLAY_BUCKETS),
    serving: new Uint32Array(OVERLAY_BUCKETS),
    actual: new Uint32Array(OVERLAY_BUCKETS),
  };
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}
  add(series: 'candidate' | 'serving' | 'actual', ts: number, v: number): void {
    const i = Math.min(
      OVERLAY_BUCKETS - 1,
      Math.floor(((ts - this.from) / (this.to - this.from + 1)) * OVERLAY_BUCKETS),
    );
    this.sums[series][i]! += v;
    this.counts[series][i]!++;
  }
  result(): OverlaySeries {
    const width = (this.to - this.from + 1) / OVERLAY_BUCKETS;
    const mean = (s: 'candidate' | 'serving' | 'actual') =>
      Array.from(this.sums[s], (sum, i) => (this.counts[s][i] ? sum / this.counts[s][i]! : null));
    return {
      t: Array.from({ length: OVERLAY_BUCKETS }, (_, i) => Math.round(this.from + (i + 0.5) * width)),
      candidate: mean('candidate'),
      serving: mean('serving'),
      actual: mean('actual'),
    };
  }
}
