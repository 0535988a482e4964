/**
 * Side-by-side figures of the model versions serving predictions (the A/B test): per version the
 * count, mean prediction, latency p50/p99 and, where the true value is known, the mean absolute
 * error against it. Bounded memory: latencies are kept for the last LATENCY_WINDOW calls only.
 */

const LATENCY_WINDOW = 5_000;

export interface VersionStats {
  version: string;
  count: number;
  meanPrediction: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Predictions whose true value was known. */
  withActual: number;
  mae: number | null;
}

class Tally {
  count = 0;
  sumPrediction = 0;
  withActual = 0;
  sumAbsError = 0;
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private latencyCount = 0;

  add(prediction: number, latencyMs: number | null, actual: number | undefined): void {
    this.count++;
    this.sumPrediction += prediction;
    if (latencyMs !== null) this.addLatency(latencyMs);
    if (actual !== undefined && Number.isFinite(actual)) {
      this.withActual++;
      this.sumAbsError += Math.abs(prediction - actual);
    }
  }

  addLatency(latencyMs: number): void {
    if (Number.isFinite(latencyMs)) this.latencies[this.latencyCount++ % LATENCY_WINDOW] = latencyMs;
  }

  summary(version: string): VersionStats {
    const n = Math.min(this.latencyCount, LATENCY_WINDOW);
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    return {
      version,
      count: this.count,
      meanPrediction: this.count ? this.sumPrediction / this.count : null,
      latencyP50Ms: n ? quantile(sorted, 0.5) : null,
      latencyP99Ms: n ? quantile(sorted, 0.99) : null,
      withActual: this.withActual,
      mae: this.withActual ? this.sumAbsError / this.withActual : null,
    };
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export class AbStats {
  private tallies = new Map<string, Tally>();
  private since = Date.now();

  /**
   * One prediction by `version`; `latencyMs` only when this prediction was a model call of its
   * own (a row of a batch has null: its call is counted once, by `recordCall`).
   */
  record(version: string, prediction: number, latencyMs: number | null, actual?: number): void {
    this.tally(version).add(prediction, latencyMs, actual);
  }

  /** The latency of one model call by `version`, however many rows it scored. */
  recordCall(version: string, latencyMs: number): void {
    this.tally(version).addLatency(latencyMs);
  }

  private tally(version: string): Tally {
    let t = this.tallies.get(version);
    if (!t) this.tallies.set(version, (t = new Tally()));
    return t;
  }

  /** Starts counting afresh (a new A/B test). */
  reset(): void {
    this.tallies = new Map();
    this.since = Date.now();
  }

  /** The figures of `versions`, in that order (a version with no prediction yet has zeros). */
  summary(versions: string[]): { since: number; versions: VersionStats[] } {
    return { since: this.since, versions: versions.map((v) => (this.tallies.get(v) ?? new Tally()).summary(v)) };
  }
}
