/**
 * Client-side bookkeeping of one asset's live stream, free of React and socket.io so it can be
 * unit-tested: apply a subscribe snapshot (reset or continue), apply a live point (dedupe by seq,
 * detect gaps), say what to ask for on a (re)subscribe, and find the visible time window.
 *
 * The state owns a RingBuffer that is mutated in place: copying a buffer of an hour of points on
 * every point would cost far more than the chart redraw it feeds. Views notice changes through
 * `buffer.revision`. Everything here is synchronous and deterministic (time is passed in).
 */
import type { HistorySeries } from '../twin/history';
import type { Point, StreamCatalog } from '../twin/types';
import type { StreamSnapshot, SubscribeRequest } from './protocol';
import { RingBuffer } from './ring-buffer';

/** The time windows a view can show, in minutes. */
export const WINDOW_MINUTES = [1, 5, 15, 60] as const;
export type WindowMinutes = (typeof WINDOW_MINUTES)[number];
export const MAX_WINDOW_MS = 60 * 60_000;

/** The server answers at most this many points per snapshot (protocol.ts, SubscribeRequest.maxPoints). */
const MAX_SNAPSHOT_POINTS = 20_000;
/** Memory bound whatever the configured rate and buffer length (20 Hz * 60 min = 72,000). */
const MAX_CAPACITY = 100_000;

export interface BufferLimits {
  /** Points kept per asset. */
  capacity: number;
  /** Points older than the newest by more than this are dropped. */
  retainMs: number;
}

/**
 * Sizes the client buffers from the catalog: the server's buffer length, and never less than the
 * longest window a view can show, at the stream's rate, with 10 % headroom for ingest bursts.
 */
export function bufferLimits(catalog: Pick<StreamCatalog, 'rateHz' | 'bufferSeconds'>): BufferLimits {
  const seconds = Math.max(catalog.bufferSeconds, MAX_WINDOW_MS / 1000);
  const rate = Number.isFinite(catalog.rateHz) && catalog.rateHz > 0 ? catalog.rateHz : 1;
  const capacity = Math.min(MAX_CAPACITY, Math.max(1_000, Math.ceil((rate * seconds * 11) / 10)));
  return { capacity, retainMs: seconds * 1000 };
}

export interface AssetStreamState {
  readonly assetId: string;
  readonly buffer: RingBuffer<Point>;
  readonly limits: BufferLimits;
  /** The server numbering the held points belong to (null until the first snapshot). */
  epoch: string | null;
  /** Seq of the newest point held (or announced by the snapshot); -1 when none. */
  lastSeq: number;
  /** True once a snapshot was applied: from then on live points are checked against `lastSeq`. */
  synced: boolean;
  /** Client clock (epoch ms) of the last update that brought a point; null before any. */
  lastUpdateAt: number | null;
  /**
   * Stored history older than everything buffered (downsampled by the history API), shown
   * before the buffer when a window is longer than what the buffer holds. Null when none.
   */
  backfill: Backfill | null;
}

/** History series covering `[from, oldest buffered time)`: every time strictly before the buffer's. */
export interface Backfill {
  from: number;
  series: Record<string, HistorySeries>;
}

export function createStreamState(assetId: string, limits: BufferLimits): AssetStreamState {
  return {
    assetId,
    buffer: new RingBuffer<Point>(limits.capacity),
    limits,
    epoch: null,
    lastSeq: -1,
    synced: false,
    lastUpdateAt: null,
    backfill: null,
  };
}

/**
 * What to send with `stream:subscribe`. A state that holds points asks to resume after its last
 * seq (the server then sends exactly the missed points, or a reset snapshot); `fresh` asks for a
 * full snapshot regardless (used when resuming keeps failing).
 */
export function subscribeRequest(
  state: AssetStreamState,
  now: number,
  opts: { fresh?: boolean } = {},
): SubscribeRequest {
  const req: SubscribeRequest = {
    assetId: state.assetId,
    // A reset snapshot only needs what the buffer can hold. Uses the client clock: a skew of
    // minutes only trims the oldest edge of the longest window.
    sinceTs: now - state.limits.retainMs,
    maxPoints: Math.min(state.limits.capacity, MAX_SNAPSHOT_POINTS),
  };
  if (!opts.fresh && state.synced && state.epoch !== null) {
    req.sinceSeq = state.lastSeq;
    req.epoch = state.epoch;
  }
  return req;
}

export type SnapshotOutcome =
  /** Everything held was replaced by the snapshot. */
  | { kind: 'reset'; added: number }
  /** The snapshot continued the buffer (the missed points were appended). */
  | { kind: 'continued'; added: number }
  /** The snapshot did not close the gap (or contradicts what is held): subscribe again. */
  | { kind: 'resync'; added: number }
  /** A snapshot for another asset: nothing changed. */
  | { kind: 'ignored'; added: 0 };

/** Applies a subscribe acknowledgement's snapshot (see StreamSnapshot.reset). */
export function applySnapshot(state: AssetStreamState, snap: StreamSnapshot, receivedAt: number): SnapshotOutcome {
  if (snap.assetId !== state.assetId) return { kind: 'ignored', added: 0 };

  // Another epoch means the held seqs mean nothing to this server, whatever `reset` says.
  if (snap.reset || !state.synced || state.epoch !== snap.epoch) {
    state.buffer.clear();
    // What was backfilled was cut at the old buffer's start; the new one may start anywhere.
    state.backfill = null;
    for (const p of snap.points) state.buffer.push(p);
    const newest = snap.points.at(-1);
    state.epoch = snap.epoch;
    state.lastSeq = Math.max(snap.lastSeq, newest?.seq ?? -1);
    state.synced = true;
    // The newest point's own time (never in the future of this clock) is its age, not the ack's.
    if (newest) state.lastUpdateAt = Math.min(receivedAt, newest.ts);
    trimOld(state);
    return { kind: 'reset', added: snap.points.length };
  }

  let added = 0;
  for (const p of snap.points) {
    if (p.seq <= state.lastSeq) continue;
    if (p.seq !== state.lastSeq + 1) {
      if (added) finishAppend(state, receivedAt);
      return { kind: 'resync', added };
    }
    appendPoint(state, p);
    added++;
  }
  if (added) finishAppend(state, receivedAt);
  if (snap.lastSeq > state.lastSeq) return { kind: 'resync', added };
  return { kind: 'continued', added };
}

export type PointOutcome =
  /** The next point: appended. */
  | 'appended'
  /** Already held (a repeat, or one the snapshot brought): ignored. */
  | 'duplicate'
  /** Points are missing before this one: not appended; resubscribe with `sinceSeq`. */
  | 'gap'
  /** No snapshot yet, so there is nothing to continue: ignored (the snapshot will carry it). */
  | 'unsynced';

/** Applies one point of a live `stream:points` frame (call it for each, in order). */
export function applyPoint(state: AssetStreamState, point: Point, receivedAt: number): PointOutcome {
  if (!state.synced) return 'unsynced';
  if (point.seq <= state.lastSeq) return 'duplicate';
  if (point.seq !== state.lastSeq + 1) return 'gap';
  appendPoint(state, point);
  finishAppend(state, receivedAt);
  return 'appended';
}

function appendPoint(state: AssetStreamState, point: Point): void {
  state.buffer.push(point);
  state.lastSeq = point.seq;
}

function finishAppend(state: AssetStreamState, receivedAt: number): void {
  state.lastUpdateAt = receivedAt;
  trimOld(state);
}

function trimOld(state: AssetStreamState): void {
  const newest = state.buffer.last();
  if (!newest) return;
  const cutoff = newest.ts - state.limits.retainMs;
  state.buffer.dropWhile((p) => p.ts < cutoff);
  if (state.backfill && state.backfill.from < cutoff) trimBackfill(state.backfill, cutoff);
}

function trimBackfill(b: Backfill, cutoff: number): void {
  for (const s of Object.values(b.series)) {
    let k = 0;
    while (k < s.t.length && s.t[k]! < cutoff) k++;
    if (!k) continue;
    s.t.splice(0, k);
    s.v.splice(0, k);
    s.lower?.splice(0, k);
    s.upper?.splice(0, k);
  }
  b.from = cutoff;
}

/** Windows shorter than the buffer by less than this are not worth a history request. */
export const BACKFILL_MIN_GAP_MS = 5_000;

/**
 * The stored range to fetch so a window of `windowMs` ending at the newest point is complete:
 * `[windowStart, covered)` where `covered` is where the buffer (or an earlier backfill) starts.
 * Null when the buffer already covers the window, or before the first snapshot.
 */
export function backfillRequest(
  state: AssetStreamState,
  windowMs: number,
  minGapMs = BACKFILL_MIN_GAP_MS,
): { from: number; to: number } | null {
  const newest = state.buffer.last();
  const oldest = state.buffer.at(0);
  if (!state.synced || !newest || !oldest) return null;
  const windowStart = newest.ts - Math.min(windowMs, state.limits.retainMs);
  const covered = state.backfill?.from ?? oldest.ts;
  if (covered - windowStart < minGapMs) return null;
  return { from: windowStart, to: covered };
}

/**
 * Prepends history for `[from, to)` (a `backfillRequest` answer). Anything at or after the
 * oldest time already held is dropped, so the seam has neither a duplicate nor an overlap even
 * when the buffer moved while the request was out. Returns the points added (all series).
 */
export function applyBackfill(
  state: AssetStreamState,
  range: { from: number; to: number },
  series: Record<string, HistorySeries>,
): number {
  const oldest = state.buffer.at(0);
  if (!oldest) return 0;
  const boundary = Math.min(range.to, state.backfill?.from ?? oldest.ts, oldest.ts);
  const current = state.backfill;
  const next: Backfill = { from: Math.min(range.from, current?.from ?? range.from), series: {} };
  let added = 0;
  const names = new Set([...Object.keys(series), ...Object.keys(current?.series ?? {})]);
  for (const name of names) {
    const incoming = series[name];
    const held = current?.series[name];
    const keep: number[] = [];
    if (incoming)
      for (let i = 0; i < incoming.t.length; i++)
        if (incoming.t[i]! >= range.from && incoming.t[i]! < boundary) keep.push(i);
    added += keep.length;
    const pick = <T>(xs: T[] | undefined) => (xs ? keep.map((i) => xs[i]!) : undefined);
    const merged: HistorySeries = {
      t: [...(pick(incoming?.t) ?? []), ...(held?.t ?? [])],
      v: [...(pick(incoming?.v) ?? []), ...(held?.v ?? [])],
    };
    const lower = pick(incoming?.lower);
    if (lower || held?.lower) {
      merged.lower = [...(lower ?? keep.map(() => null)), ...(held?.lower ?? [])];
      merged.upper = [...(pick(incoming?.upper) ?? keep.map(() => null)), ...(held?.upper ?? [])];
    }
    next.series[name] = merged;
  }
  state.backfill = next;
  trimOld(state);
  return added;
}

/** Indices `[from, to)` (oldest-first) of the buffered points a view shows. */
export interface VisibleRange {
  from: number;
  to: number;
}

/**
 * The points with `endTs - windowMs <= ts <= endTs`, by binary search (points are in time order).
 * A live view passes the newest point's ts as `endTs` (so server/client clock skew cannot empty
 * it); a paused view passes the ts it was paused at.
 */
export function visibleRange(buffer: RingBuffer<Point>, windowMs: number, endTs: number): VisibleRange {
  const from = buffer.lowerBound(endTs - windowMs, (p) => p.ts);
  // First index with ts > endTs.
  let lo = from;
  let hi = buffer.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((buffer.at(mid)?.ts ?? Infinity) <= endTs) lo = mid + 1;
    else hi = mid;
  }
  return { from, to: lo };
}

/**
 * Per-asset states, the most recently used `max` of them. Coming back to a recent asset resumes
 * its stream (the server sends what was missed) instead of starting over.
 */
export class StreamStates {
  private readonly states = new Map<string, AssetStreamState>();

  constructor(
    readonly limits: BufferLimits,
    private readonly max = 4,
  ) {}

  /** The state of `assetId`, created when missing; marks it most recently used. */
  open(assetId: string): AssetStreamState {
    let state = this.states.get(assetId);
    if (state) this.states.delete(assetId);
    else state = createStreamState(assetId, this.limits);
    this.states.set(assetId, state);
    for (const key of this.states.keys()) {
      if (this.states.size <= this.max) break;
      this.states.delete(key);
    }
    return state;
  }

  get(assetId: string): AssetStreamState | undefined {
    return this.states.get(assetId);
  }
}
