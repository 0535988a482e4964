/**
 * Per-pixel-column min/max decimation of the live window (the M4 idea, for rows sharing one x):
 * the window is cut into buckets as wide as one pixel column of the plot, aligned to absolute
 * time (so a bucket keeps its points as the window slides and lines do not shimmer), and each
 * bucket becomes at most two rows, at its first and last point's time, holding every series'
 * minimum and maximum in the order they happened. Every reading is therefore represented within
 * one pixel column and a one-reading spike is kept, while Plotly gets at most ~2 rows per pixel
 * (~2,200 at a 1,100 px plot instead of 36,000 readings).
 */

/** One bucket's running extremes for `width` series (index order fixed by the caller). */
export class ColumnBucket {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly minTs: Float64Array;
  readonly maxTs: Float64Array;
  readonly seen: Uint8Array;
  firstTs = 0;
  lastTs = 0;
  count = 0;
  /** Envelope of the interval band over the bucket's points that have one. */
  lower = Infinity;
  upper = -Infinity;

  constructor(readonly width: number) {
    this.min = new Float64Array(width);
    this.max = new Float64Array(width);
    this.minTs = new Float64Array(width);
    this.maxTs = new Float64Array(width);
    this.seen = new Uint8Array(width);
  }

  reset(): void {
    this.seen.fill(0);
    this.count = 0;
    this.lower = Infinity;
    this.upper = -Infinity;
  }

  /** Adds a point's value of series `j` (null or undefined: no value). */
  add(j: number, v: number | null | undefined, ts: number): void {
    if (v === null || v === undefined) return;
    if (!this.seen[j]) {
      this.seen[j] = 1;
      this.min[j] = this.max[j] = v;
      this.minTs[j] = this.maxTs[j] = ts;
    } else if (v < this.min[j]!) {
      this.min[j] = v;
      this.minTs[j] = ts;
    } else if (v > this.max[j]!) {
      this.max[j] = v;
      this.maxTs[j] = ts;
    }
  }

  touch(ts: number): void {
    if (this.count === 0) this.firstTs = ts;
    this.lastTs = ts;
    this.count++;
  }

  addBand(lower: number | null, upper: number | null): void {
    if (lower === null || upper === null) return;
    if (lower < this.lower) this.lower = lower;
    if (upper > this.upper) this.upper = upper;
  }

  get hasBand(): boolean {
    return this.lower <= this.upper;
  }

  /** Rows this bucket becomes: one when it holds a single instant, else two. */
  get rows(): 1 | 2 {
    return this.count > 1 && this.lastTs > this.firstTs ? 2 : 1;
  }

  /** When series `j`'s value on row `r` was read (its own time, not the bucket's edges). */
  time(j: number, r: 0 | 1): number {
    const minFirst = this.minTs[j]! <= this.maxTs[j]!;
    return (r === 0) === minFirst ? this.minTs[j]! : this.maxTs[j]!;
  }

  /** Series `j`'s value on row `r` (0: the earlier extreme, 1: the later one); null when none. */
  value(j: number, r: 0 | 1): number | null {
    if (!this.seen[j]) return null;
    const minFirst = this.minTs[j]! <= this.maxTs[j]!;
    return (r === 0) === minFirst ? this.min[j]! : this.max[j]!;
  }
}

/**
 * The bucket width for a window drawn `maxPoints / 2` pixel columns wide (at least 1 ms), so a
 * window of any length yields at most ~`maxPoints` rows.
 */
export function bucketWidthMs(windowMs: number, maxPoints: number): number {
  return Math.max(1, windowMs / Math.max(1, Math.floor(maxPoints / 2)));
}
