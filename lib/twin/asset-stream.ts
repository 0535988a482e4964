/**
 * One asset's live buffer on the server: assigns sequence numbers and keeps the recent points,
 * bounded by count and by age. Answers the two questions a subscriber asks: "give me a snapshot"
 * and "give me exactly what I missed since seq N" (or tell me it is gone: reset).
 */
import { RingBuffer } from '../realtime/ring-buffer';
import type { StreamSnapshot } from '../realtime/protocol';
import type { Point } from './types';

export const DEFAULT_SNAPSHOT_POINTS = 2_000;
export const MAX_SNAPSHOT_POINTS = 20_000;

export class AssetStream {
  private readonly buffer: RingBuffer<Point>;
  private nextSeq = 0;

  constructor(
    readonly assetId: string,
    /**
     * Seqs of another epoch cannot be resumed. Embedded: changes with every server start.
     * Clustered: the asset's stored epoch, kept across owners while seqs continue (issue 16).
     */
    public epoch: string,
    capacity: number,
    private readonly maxAgeMs: number,
  ) {
    this.buffer = new RingBuffer<Point>(capacity);
  }

  /** Stamps the next sequence number on `point` (mutating it) and buffers it. */
  append(point: Omit<Point, 'seq'>): Point {
    const stamped = point as Point;
    stamped.seq = this.nextSeq++;
    this.buffer.push(stamped);
    this.buffer.dropWhile((p) => p.ts < stamped.ts - this.maxAgeMs);
    return stamped;
  }

  /**
   * Buffers a point that already carries its seq (clustered mode: given by the owner at commit).
   * Returns false, buffering nothing, unless it is exactly the next one.
   */
  appendSequenced(point: Point): boolean {
    if (point.seq !== this.nextSeq) return false;
    this.nextSeq++;
    this.buffer.push(point);
    this.buffer.dropWhile((p) => p.ts < point.ts - this.maxAgeMs);
    return true;
  }

  /**
   * Replaces the buffer (a new owner or a mirror refilled from the database); numbering continues
   * after `lastSeq` or after the newest of `points`, whichever is higher: callers read the stream's
   * head and then its points in two queries, and a commit between them makes the points reach
   * past the head. Continuing from the head would take the next point (which the buffer already
   * holds) a second time, and every resume after it would be answered one point early.
   */
  reset(epoch: string, points: Point[], lastSeq: number): void {
    this.epoch = epoch;
    this.buffer.clear();
    const newest = points[points.length - 1];
    this.nextSeq = Math.max(lastSeq, newest?.seq ?? -1) + 1;
    let previous = -Infinity;
    for (const p of points) {
      // In seq order, each seq once (the resume arithmetic in snapshot() depends on it).
      if (p.seq <= previous || (newest && p.ts < newest.ts - this.maxAgeMs)) continue;
      this.buffer.push(p);
      previous = p.seq;
    }
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get size(): number {
    return this.buffer.length;
  }

  latest(): Point | undefined {
    return this.buffer.last();
  }

  /**
   * Exactly the points after `seq` (oldest first; empty when `seq` is the newest), or null when
   * some of them are not buffered (dropped, or a hole in a buffer refilled from the database) or
   * `seq` is not one of this stream's.
   */
  pointsAfter(seq: number): Point[] | null {
    if (seq > this.lastSeq || seq < -1) return null;
    // Seqs in the buffer rise by one, so the position of a seq is plain arithmetic; checked.
    const firstSeq = this.buffer.first()?.seq ?? this.nextSeq;
    if (seq + 1 < firstSeq) return null;
    const missed = this.buffer.slice(seq + 1 - firstSeq);
    // Seqs only rise, so the right first seq and the right count mean no hole.
    const exact = missed.length === this.lastSeq - seq && (missed.length === 0 || missed[0]!.seq === seq + 1);
    return exact ? missed : null;
  }

  /**
   * For a (re)subscribe. With `sinceSeq` still covered by the buffer: exactly the points after it
   * (reset false). Otherwise: the buffered points newer than `sinceTs`, thinned to `maxPoints`
   * (reset true).
   */
  snapshot(opts: { sinceSeq?: number; epoch?: string; sinceTs?: number; maxPoints?: number }): StreamSnapshot {
    const base = { assetId: this.assetId, epoch: this.epoch, lastSeq: this.lastSeq };
    const sinceSeq = opts.epoch === undefined || opts.epoch === this.epoch ? opts.sinceSeq : undefined;
    const maxPoints = Math.min(Math.max(1, Math.floor(opts.maxPoints ?? DEFAULT_SNAPSHOT_POINTS)), MAX_SNAPSHOT_POINTS);
    if (sinceSeq !== undefined) {
      // What cannot be answered exactly is a reset.
      const missed = this.pointsAfter(sinceSeq);
      if (missed && missed.length <= maxPoints) return { ...base, points: missed, reset: false, downsampled: false };
    }
    const from = opts.sinceTs !== undefined ? this.buffer.lowerBound(opts.sinceTs, (p) => p.ts) : 0;
    const points = this.buffer.slice(from);
    const thinned = thin(points, maxPoints);
    return { ...base, points: thinned, reset: true, downsampled: thinned.length < points.length };
  }
}

/**
 * At most `max` points, evenly spaced, always keeping the newest (the live edge) and, in each
 * stride, the point with the most extreme prediction so spikes survive thinning.
 */
export function thin(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const out: Point[] = [];
  const stride = points.length / (max - 1);
  for (let b = 0; b < max - 1; b++) {
    const lo = Math.floor(b * stride);
    const hi = Math.min(points.length - 1, Math.floor((b + 1) * stride));
    let pick = points[lo]!;
    let mean = 0;
    let n = 0;
    for (let i = lo; i < hi; i++) {
      const v = points[i]!.prediction;
      if (v !== null) {
        mean += v;
        n++;
      }
    }
    mean = n ? mean / n : 0;
    for (let i = lo; i < hi; i++) {
      const p = points[i]!;
      if (
        p.prediction !== null &&
        (pick.prediction === null || Math.abs(p.prediction - mean) > Math.abs(pick.prediction - mean))
      )
        pick = p;
    }
    out.push(pick);
  }
  out.push(points[points.length - 1]!);
  return out;
}
