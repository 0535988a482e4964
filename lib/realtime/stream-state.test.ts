import { describe, expect, it } from 'vitest';
import { STREAM_T0, streamPoint, streamRange, streamSnapshot } from '../../tests/stream-points';
import {
  applyBackfill,
  applyPoint,
  applySnapshot,
  backfillRequest,
  bufferLimits,
  createStreamState,
  StreamStates,
  subscribeRequest,
  visibleRange,
  type BufferLimits,
} from './stream-state';

const T0 = STREAM_T0;
const LIMITS: BufferLimits = { capacity: 1_000, retainMs: 3_600_000 };

const pt = streamPoint;
const range = streamRange;

const snap = streamSnapshot;
const seqs = (s: ReturnType<typeof createStreamState>) => s.buffer.toArray().map((p) => p.seq);

describe('applySnapshot', () => {
  it('a reset snapshot replaces whatever is held', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 9)), T0 + 10_000);
    expect(applySnapshot(s, snap(range(100, 104), { epoch: 'e1' }), T0 + 60_000)).toEqual({ kind: 'reset', added: 5 });
    expect(seqs(s)).toEqual([100, 101, 102, 103, 104]);
    expect(s.lastSeq).toBe(104);
    expect(s.synced).toBe(true);
  });

  it('a continue snapshot appends the missed points to what is held', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 4)), T0);
    expect(applySnapshot(s, snap(range(5, 8), { reset: false }), T0 + 5_000)).toEqual({ kind: 'continued', added: 4 });
    expect(seqs(s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.lastSeq).toBe(8);
    expect(s.lastUpdateAt).toBe(T0 + 5_000);
  });

  it('a snapshot of another epoch resets even when it claims to continue', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 9)), T0);
    expect(applySnapshot(s, snap(range(0, 2), { epoch: 'e2', reset: false }), T0).kind).toBe('reset');
    expect(seqs(s)).toEqual([0, 1, 2]);
    expect(s.epoch).toBe('e2');
  });

  it('an empty snapshot still records where the server is, so the next point continues', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap([], { lastSeq: 41 }), T0);
    expect(s.lastSeq).toBe(41);
    expect(applyPoint(s, pt(42), T0)).toBe('appended');
  });

  it('a continue snapshot that leaves a hole asks for a resync', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 4)), T0);
    expect(applySnapshot(s, snap([pt(5), pt(7)], { reset: false }), T0)).toEqual({ kind: 'resync', added: 1 });
    expect(seqs(s)).toEqual([0, 1, 2, 3, 4, 5]);
    // The server says it has more than it sent.
    expect(applySnapshot(s, snap([pt(6)], { reset: false, lastSeq: 9 }), T0)).toEqual({ kind: 'resync', added: 1 });
  });

  it('ignores a snapshot for another asset', () => {
    const s = createStreamState('reactor-1', LIMITS);
    expect(applySnapshot(s, snap(range(0, 2), { assetId: 'reactor-2' }), T0).kind).toBe('ignored');
    expect(s.buffer.length).toBe(0);
    expect(s.synced).toBe(false);
  });

  it('the age of a snapshot is its newest point, never later than now', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 9)), T0 + 60_000);
    expect(s.lastUpdateAt).toBe(pt(9).ts);
  });
});

describe('applyPoint', () => {
  it('appends the next point and ignores duplicates', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 4)), T0);
    expect(applyPoint(s, pt(5), T0 + 3_000)).toBe('appended');
    expect(applyPoint(s, pt(5), T0 + 3_001)).toBe('duplicate');
    expect(applyPoint(s, pt(3), T0 + 3_002)).toBe('duplicate');
    expect(seqs(s)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.lastUpdateAt).toBe(T0 + 3_000);
  });

  it('detects a gap and does not append past it', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 4)), T0);
    const rev = s.buffer.revision;
    expect(applyPoint(s, pt(7), T0)).toBe('gap');
    expect(s.lastSeq).toBe(4);
    expect(s.buffer.revision).toBe(rev);
  });

  it('ignores points before the first snapshot', () => {
    const s = createStreamState('reactor-1', LIMITS);
    expect(applyPoint(s, pt(0), T0)).toBe('unsynced');
    expect(s.buffer.length).toBe(0);
  });

  it('resuming after a gap merges without a gap or a duplicate', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 9)), T0);
    // Connection lost after 9; 10..12 missed. On resume the server sends 10..14 while 13 and 14
    // may also arrive live around the acknowledgement.
    const req = subscribeRequest(s, T0 + 10_000);
    expect(req).toMatchObject({ assetId: 'reactor-1', sinceSeq: 9, epoch: 'e1' });
    expect(applyPoint(s, pt(13), T0)).toBe('gap');
    expect(applySnapshot(s, snap(range(10, 14), { reset: false }), T0).kind).toBe('continued');
    expect(applyPoint(s, pt(13), T0)).toBe('duplicate');
    expect(applyPoint(s, pt(14), T0)).toBe('duplicate');
    expect(applyPoint(s, pt(15), T0)).toBe('appended');
    expect(seqs(s)).toEqual(range(0, 15).map((p) => p.seq));
  });
});

describe('buffer bounds', () => {
  it('holds at most `capacity` points, keeping the newest', () => {
    const s = createStreamState('reactor-1', { capacity: 100, retainMs: 3_600_000 });
    applySnapshot(s, snap(range(0, 49)), T0);
    for (let seq = 50; seq < 1_000; seq++) applyPoint(s, pt(seq), T0);
    expect(s.buffer.length).toBe(100);
    expect(s.buffer.first()?.seq).toBe(900);
    expect(s.buffer.last()?.seq).toBe(999);
  });

  it('drops points older than the retained time span', () => {
    const s = createStreamState('reactor-1', { capacity: 10_000, retainMs: 10_000 });
    applySnapshot(s, snap(range(0, 99)), T0);
    // 2 Hz: 10 s are 20 intervals.
    expect(s.buffer.first()?.seq).toBe(79);
    applyPoint(s, pt(100), T0);
    expect(s.buffer.first()?.seq).toBe(80);
  });

  it('sizes buffers from the catalog, never below the 60-minute window', () => {
    expect(bufferLimits({ rateHz: 2, bufferSeconds: 600 })).toEqual({ capacity: 7_920, retainMs: 3_600_000 });
    expect(bufferLimits({ rateHz: 2, bufferSeconds: 7_200 })).toEqual({ capacity: 15_840, retainMs: 7_200_000 });
    expect(bufferLimits({ rateHz: 20, bufferSeconds: 6 * 3600 }).capacity).toBe(100_000);
  });

  it('keeps the states of the most recent assets only', () => {
    const states = new StreamStates(LIMITS, 2);
    const a = states.open('a');
    states.open('b');
    expect(states.open('a')).toBe(a);
    states.open('c');
    expect(states.get('a')).toBe(a);
    expect(states.get('b')).toBeUndefined();
  });
});

describe('subscribeRequest', () => {
  it('a first subscribe asks for a snapshot of the retained span', () => {
    const s = createStreamState('reactor-1', LIMITS);
    expect(subscribeRequest(s, T0)).toEqual({ assetId: 'reactor-1', sinceTs: T0 - 3_600_000, maxPoints: 1_000 });
  });

  it('a fresh subscribe does not resume', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 3)), T0);
    expect(subscribeRequest(s, T0, { fresh: true })).not.toHaveProperty('sinceSeq');
  });
});

describe('visibleRange', () => {
  it('returns only the points inside the window ending at endTs', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, snap(range(0, 999)), T0);
    // 2 Hz: one minute is 120 intervals, so 121 points including both edges.
    const live = visibleRange(s.buffer, 60_000, pt(999).ts);
    expect(live.to - live.from).toBe(121);
    expect(s.buffer.at(live.from)?.seq).toBe(879);
    expect(s.buffer.at(live.to - 1)?.seq).toBe(999);

    // A paused view keeps its end while the buffer grows.
    const pausedAt = pt(500).ts;
    for (let seq = 1_000; seq < 1_010; seq++) applyPoint(s, pt(seq), T0);
    const paused = visibleRange(s.buffer, 5_000, pausedAt);
    expect(s.buffer.slice(paused.from, paused.to).map((p) => p.seq)).toEqual(range(490, 500).map((p) => p.seq));
  });

  it('is empty for an empty buffer or a window before the data', () => {
    const s = createStreamState('reactor-1', LIMITS);
    expect(visibleRange(s.buffer, 60_000, T0)).toEqual({ from: 0, to: 0 });
    applySnapshot(s, snap(range(10, 20)), T0);
    const before = visibleRange(s.buffer, 1_000, T0);
    expect(before.to - before.from).toBe(0);
  });
});

describe('backfill from stored history', () => {
  const LONG: BufferLimits = { capacity: 100_000, retainMs: 3_600_000 };
  /** History as the API answers it: times of 1 Hz stored readings, value = seconds since T0. */
  const history = (fromTs: number, toTs: number) => {
    const t: number[] = [];
    for (let x = fromTs; x <= toTs; x += 1_000) t.push(x);
    return {
      temperature: { t, v: t.map((x) => (x - T0) / 1_000) },
      prediction: { t, v: t.map(() => 87), lower: t.map(() => 85), upper: t.map(() => 89) },
    };
  };

  it('asks for [window start, oldest buffered) only when the window is longer than the buffer', () => {
    const s = createStreamState('reactor-1', LONG);
    expect(backfillRequest(s, 3_600_000)).toBeNull(); // nothing before the first snapshot
    // The server restarted 5 minutes ago: its buffer holds seqs 0..599 (2 Hz).
    applySnapshot(s, snap(range(0, 599)), T0 + 300_000);
    const newest = pt(599).ts;
    expect(backfillRequest(s, 60_000)).toBeNull();
    expect(backfillRequest(s, 5 * 60_000)).toBeNull();
    expect(backfillRequest(s, 60 * 60_000)).toEqual({ from: newest - 3_600_000, to: T0 });
  });

  it('prepends with no duplicate and no seam, even when the answer overlaps the buffer', () => {
    const s = createStreamState('reactor-1', LONG);
    applySnapshot(s, snap(range(0, 599)), T0 + 300_000);
    const req = backfillRequest(s, 60 * 60_000)!;
    // The database also holds what is buffered: the answer runs past the buffer's start.
    const added = applyBackfill(s, req, history(req.from, T0 + 10_000));
    const t = s.backfill!.series.temperature!.t;
    expect(t[0]).toBe(req.from);
    // The last stored second before the buffer is there (the next one is buffered): no seam.
    expect(T0 - t.at(-1)!).toBeGreaterThan(0);
    expect(T0 - t.at(-1)!).toBeLessThanOrEqual(1_000);
    expect(t.every((x) => x < s.buffer.at(0)!.ts)).toBe(true); // no duplicate
    expect(added).toBe(2 * t.length);
    expect(s.backfill!.series.prediction!.lower!.length).toBe(t.length);
    // Covered now: no second request.
    expect(backfillRequest(s, 60 * 60_000)).toBeNull();
  });

  it('extends backwards when a longer window is chosen, and trims what leaves the retained hour', () => {
    const s = createStreamState('reactor-1', LONG);
    applySnapshot(s, snap(range(0, 599)), T0 + 300_000);
    const first = backfillRequest(s, 15 * 60_000)!;
    applyBackfill(s, first, history(first.from, first.to - 1));
    const second = backfillRequest(s, 60 * 60_000)!;
    expect(second.to).toBe(first.from);
    applyBackfill(s, second, history(second.from, second.to + 30_000));
    const t = s.backfill!.series.temperature!.t;
    expect(new Set(t).size).toBe(t.length);
    expect(t).toEqual([...t].sort((a, b) => a - b));
    // Live points keep coming for 10 minutes: the oldest backfilled ten minutes go.
    for (let seq = 600; seq < 1_800; seq++) applyPoint(s, pt(seq), pt(seq).ts);
    const cutoff = pt(1_799).ts - 3_600_000;
    expect(s.backfill!.series.temperature!.t[0]).toBeGreaterThanOrEqual(cutoff);
    expect(s.backfill!.from).toBe(cutoff);
  });

  it('a reset snapshot drops the backfill (it was cut at the old buffer’s start)', () => {
    const s = createStreamState('reactor-1', LONG);
    applySnapshot(s, snap(range(0, 599)), T0 + 300_000);
    const req = backfillRequest(s, 60 * 60_000)!;
    applyBackfill(s, req, history(req.from, T0 - 1));
    applySnapshot(s, snap(range(0, 9), { epoch: 'e2' }), T0 + 400_000);
    expect(s.backfill).toBeNull();
  });
});
