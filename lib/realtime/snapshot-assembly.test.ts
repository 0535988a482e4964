import { describe, expect, it } from 'vitest';
import type { Point } from '../twin/types';
import { STREAM_T0, streamPoint, streamRange, streamSnapshot } from '../../tests/stream-points';
import type { SnapshotChunk, StreamSnapshot, SubscribeAck } from './protocol';
import { addChunk, startAssembly } from './snapshot-assembly';
import { applyPoint, applySnapshot, createStreamState, type BufferLimits } from './stream-state';

const T0 = STREAM_T0;
const LIMITS: BufferLimits = { capacity: 1_000, retainMs: 3_600_000 };

const pt = streamPoint;
const range = streamRange;
const seqsOf = (points: Point[]) => points.map((p) => p.seq);

/** An acknowledgement announcing `more` chunks, carrying the snapshot's first `points`. */
function ack(
  points: Point[],
  more: number,
  opts: Partial<StreamSnapshot> = {},
): Extract<SubscribeAck, { more: number }> {
  return { ok: true, snapshot: streamSnapshot(points, opts), more, transfer: 7 };
}
const chunk = (points: Point[], last: boolean, transfer = 7): SnapshotChunk => ({
  assetId: 'reactor-1',
  transfer,
  points,
  last,
});

describe('a chunked snapshot', () => {
  it('is gathered whole, with the points gained meanwhile, and live points continue it', () => {
    // Snapshot 0..29 announced with lastSeq 29; 30..31 arrived while the chunks were sent.
    const a = startAssembly(ack(range(0, 9), 2, { lastSeq: 29 }));
    expect(addChunk(a, chunk(range(10, 19), false))).toEqual({ kind: 'partial' });
    const done = addChunk(a, chunk(range(20, 31), true));
    if (done.kind !== 'complete') throw new Error(done.kind);
    expect(seqsOf(done.snapshot.points)).toEqual(seqsOf(range(0, 31)));
    expect(done.snapshot.lastSeq).toBe(31);

    const s = createStreamState('reactor-1', LIMITS);
    expect(applySnapshot(s, done.snapshot, T0 + 20_000)).toEqual({ kind: 'reset', added: 32 });
    expect(s.lastSeq).toBe(31);
    expect(applyPoint(s, pt(31), T0 + 20_001)).toBe('duplicate');
    expect(applyPoint(s, pt(32), T0 + 20_002)).toBe('appended');
  });

  it('a thinned snapshot (seqs not contiguous) keeps its order and its live edge', () => {
    const a = startAssembly(ack([pt(0), pt(10)], 1, { lastSeq: 30, downsampled: true }));
    const done = addChunk(a, chunk([pt(20), pt(30)], true));
    if (done.kind !== 'complete') throw new Error(done.kind);
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, done.snapshot, T0);
    expect(seqsOf(s.buffer.toArray())).toEqual([0, 10, 20, 30]);
    expect(applyPoint(s, pt(31), T0)).toBe('appended');
  });

  it('a resume in chunks continues what is held', () => {
    const s = createStreamState('reactor-1', LIMITS);
    applySnapshot(s, { ...ack(range(0, 4), 0).snapshot }, T0);
    const a = startAssembly(ack(range(5, 7), 2, { reset: false, lastSeq: 12 }));
    addChunk(a, chunk(range(8, 10), false));
    const done = addChunk(a, chunk(range(11, 12), true));
    if (done.kind !== 'complete') throw new Error(done.kind);
    expect(applySnapshot(s, done.snapshot, T0)).toEqual({ kind: 'continued', added: 8 });
    expect(seqsOf(s.buffer.toArray())).toEqual(seqsOf(range(0, 12)));
  });

  it("ignores another transfer's chunks (another subscribe to the asset on the socket)", () => {
    const a = startAssembly(ack(range(0, 4), 1));
    expect(addChunk(a, chunk(range(100, 104), true, 6))).toEqual({ kind: 'ignored' });
    expect(addChunk(a, { ...chunk(range(5, 9), true), assetId: 'reactor-2' })).toEqual({ kind: 'ignored' });
    expect(addChunk(a, chunk(range(5, 9), true)).kind).toBe('complete');
  });

  it('refuses chunks out of order, or more or fewer than announced', () => {
    expect(addChunk(startAssembly(ack(range(0, 4), 2)), chunk(range(3, 6), false)).kind).toBe('broken');
    expect(addChunk(startAssembly(ack(range(0, 4), 2)), chunk(range(5, 6), true)).kind).toBe('broken');
    expect(addChunk(startAssembly(ack(range(0, 4), 1)), chunk(range(5, 6), false)).kind).toBe('broken');
  });

  it('leaves the acknowledgement it started from untouched', () => {
    const first = ack(range(0, 4), 1);
    const a = startAssembly(first);
    addChunk(a, chunk(range(5, 9), true));
    expect(first.snapshot.points).toHaveLength(5);
  });
});
