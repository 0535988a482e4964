import { describe, expect, it } from 'vitest';
import { AssetStream, thin } from './asset-stream';
import type { Point } from './types';

const pt = (ts: number, prediction: number | null = 80): Omit<Point, 'seq'> => ({
  ts,
  values: { temperature: 350 },
  prediction,
  lower: prediction === null ? null : prediction - 1,
  upper: prediction === null ? null : prediction + 1,
  modelVersion: '1.0.0',
  inferenceMs: 0.1,
  flags: [],
});

function filled(n: number, capacity = 100, maxAgeMs = 1e12) {
  const s = new AssetStream('a', 'epoch-1', capacity, maxAgeMs);
  for (let i = 0; i < n; i++) s.append(pt(i * 100));
  return s;
}

describe('AssetStream', () => {
  it('numbers points 0, 1, 2... per asset', () => {
    const s = filled(3);
    expect(s.lastSeq).toBe(2);
    expect(s.latest()?.seq).toBe(2);
  });

  it('bounds the buffer by count and by age, never reusing a seq', () => {
    const byCount = filled(250, 100);
    expect(byCount.size).toBe(100);
    expect(byCount.snapshot({}).points[0]!.seq).toBe(150);
    const byAge = filled(50, 100, 1_000); // 100 ms apart, keep 1 s
    expect(byAge.size).toBe(11);
    expect(byAge.lastSeq).toBe(49);
  });

  it('a first subscribe gets the buffer as a reset snapshot', () => {
    const snap = filled(10).snapshot({});
    expect(snap).toMatchObject({ reset: true, downsampled: false, lastSeq: 9 });
    expect(snap.points.map((p) => p.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a resubscribe gets exactly the missed points: no gap, no duplicate', () => {
    const s = filled(10);
    const snap = s.snapshot({ sinceSeq: 6 });
    expect(snap.reset).toBe(false);
    expect(snap.points.map((p) => p.seq)).toEqual([7, 8, 9]);
    expect(s.snapshot({ sinceSeq: 9 })).toMatchObject({ reset: false, points: [] });
    expect(s.snapshot({ sinceSeq: -1 }).points).toHaveLength(10);
  });

  it('a resubscribe from before the buffer, or from the future (server restarted), is a reset', () => {
    const s = filled(250, 100);
    expect(s.snapshot({ sinceSeq: 10 })).toMatchObject({ reset: true });
    expect(s.snapshot({ sinceSeq: 149 })).toMatchObject({ reset: false });
    expect(s.snapshot({ sinceSeq: 149 }).points).toHaveLength(100);
    expect(s.snapshot({ sinceSeq: 5_000 })).toMatchObject({ reset: true });
  });

  it('never resumes seqs from another server epoch', () => {
    const s = filled(10);
    expect(s.snapshot({ sinceSeq: 6, epoch: 'epoch-1' })).toMatchObject({ reset: false, epoch: 'epoch-1' });
    expect(s.snapshot({ sinceSeq: 6, epoch: 'epoch-0' })).toMatchObject({ reset: true });
    expect(s.snapshot({ sinceSeq: 6, epoch: 'epoch-0' }).points).toHaveLength(10);
  });

  it('pointsAfter gives exactly the points after a seq while they are all buffered', () => {
    const s = filled(150, 100); // holds seqs 50..149
    expect(s.pointsAfter(146)!.map((p) => p.seq)).toEqual([147, 148, 149]);
    expect(s.pointsAfter(149)).toEqual([]);
    expect(s.pointsAfter(49)).toHaveLength(100);
    expect(s.pointsAfter(48)).toBeNull(); // seq 49 was dropped
    expect(s.pointsAfter(150)).toBeNull(); // not a seq this stream has given
  });

  it('filters the snapshot by time and thins it to maxPoints, keeping the newest', () => {
    const s = filled(100);
    expect(s.snapshot({ sinceTs: 9_000 }).points.map((p) => p.seq)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    const thinned = s.snapshot({ maxPoints: 10 });
    expect(thinned).toMatchObject({ downsampled: true, reset: true });
    expect(thinned.points).toHaveLength(10);
    expect(thinned.points.at(-1)!.seq).toBe(99);
  });

  it('a refill whose points reach past the head it was given takes the next point once', () => {
    // A mirror reads the head (last seq 75), then the points: one more was committed between the
    // two queries (76). The owner's broadcast of 76 then arrives.
    const stored = Array.from({ length: 77 }, (_, i) => ({ ...pt(i * 100), seq: i }));
    const s = new AssetStream('a', 'epoch-1', 1_000, 1e12);
    s.reset('epoch-1', stored, 75);
    expect(s.lastSeq).toBe(76);
    expect(s.appendSequenced(stored[76]!)).toBe(false);
    expect(s.appendSequenced({ ...pt(7_700), seq: 77 })).toBe(true);
    expect(s.size).toBe(78);
    // A client holding 76 resumes: it gets 77 only.
    expect(s.snapshot({ sinceSeq: 76, epoch: 'epoch-1' })).toMatchObject({ reset: false, lastSeq: 77 });
    expect(s.snapshot({ sinceSeq: 76, epoch: 'epoch-1' }).points.map((p) => p.seq)).toEqual([77]);
  });

  it('a buffer with a hole answers a resume across it with a reset, never with the wrong points', () => {
    const stored = [0, 1, 2, 4, 5].map((seq) => ({ ...pt(seq * 100), seq }));
    const s = new AssetStream('a', 'epoch-1', 1_000, 1e12);
    s.reset('epoch-1', stored, 5);
    expect(s.snapshot({ sinceSeq: 1, epoch: 'epoch-1' })).toMatchObject({ reset: true });
    expect(s.snapshot({ sinceSeq: 5, epoch: 'epoch-1' })).toMatchObject({ reset: false, points: [] });
    // The points a chunked snapshot's last chunk adds are read the same way: never across the hole.
    expect(s.pointsAfter(1)).toBeNull();
    expect(s.pointsAfter(5)).toEqual([]);
  });

  it('thinning keeps a spike', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ ...pt(i, i === 517 ? 20 : 80), seq: i }));
    expect(thin(points, 50).some((p) => p.prediction === 20)).toBe(true);
  });
});
