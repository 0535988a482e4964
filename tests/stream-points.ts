/**
 * Points of a made-up 2 Hz stream for the browser-side stream tests (stream state, snapshot
 * assembly): point `seq` is at `STREAM_T0 + seq * 500`, its temperature 350 + seq.
 */
import type { StreamSnapshot } from '../lib/realtime/protocol';
import type { Point } from '../lib/twin/types';

export const STREAM_T0 = 1_750_000_000_000;

export function streamPoint(seq: number): Point {
  return {
    seq,
    ts: STREAM_T0 + seq * 500,
    values: { temperature: 350 + seq, pressure: 6, flow: 100 },
    prediction: 87,
    lower: 85,
    upper: 89,
    modelVersion: '1.0.0',
    inferenceMs: 1,
    flags: [],
  };
}

/** Points `from`..`to`, both included. */
export const streamRange = (from: number, to: number): Point[] =>
  Array.from({ length: to - from + 1 }, (_, i) => streamPoint(from + i));

/** A snapshot of reactor-1 (epoch e1) holding `points`, a reset unless `opts` says otherwise. */
export function streamSnapshot(points: Point[], opts: Partial<StreamSnapshot> = {}): StreamSnapshot {
  return {
    assetId: 'reactor-1',
    epoch: 'e1',
    points,
    lastSeq: points.at(-1)?.seq ?? -1,
    reset: true,
    downsampled: false,
    ...opts,
  };
}
