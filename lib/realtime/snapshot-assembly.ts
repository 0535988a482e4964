/**
 * Gathers a chunked snapshot (protocol.ts: an acknowledgement with `more`, then that many
 * `stream:snapshot-chunk`s) into the one StreamSnapshot that `applySnapshot` takes. Applying
 * the whole snapshot at once keeps `applySnapshot`'s rules (a reset replaces everything held, a
 * resume must continue it) exactly as for a snapshot that came in one piece. Pure: no socket.
 */
import type { Point } from '../twin/types';
import type { SnapshotChunk, StreamSnapshot, SubscribeAck } from './protocol';

export interface SnapshotAssembly {
  readonly transfer: number;
  /** The acknowledgement's snapshot; `points` grows with every chunk. */
  readonly snapshot: StreamSnapshot;
  /** Chunks still to come. */
  remaining: number;
}

export type ChunkOutcome =
  /** Another transfer's chunk (another subscribe to the asset on this socket): not ours. */
  | { kind: 'ignored' }
  | { kind: 'partial' }
  /** The last chunk: the whole snapshot, its `lastSeq` covering the points gained meanwhile. */
  | { kind: 'complete'; snapshot: StreamSnapshot }
  /** A chunk that cannot follow what was gathered (out of order, more or fewer than announced). */
  | { kind: 'broken'; reason: string };

/** Starts gathering the snapshot announced by an acknowledgement with `more` chunks to follow. */
export function startAssembly(ack: Extract<SubscribeAck, { more: number }>): SnapshotAssembly {
  return {
    transfer: ack.transfer,
    snapshot: { ...ack.snapshot, points: [...ack.snapshot.points] },
    remaining: ack.more,
  };
}

/** Adds one `stream:snapshot-chunk`. */
export function addChunk(a: SnapshotAssembly, chunk: SnapshotChunk): ChunkOutcome {
  if (chunk.transfer !== a.transfer || chunk.assetId !== a.snapshot.assetId) return { kind: 'ignored' };
  const points = a.snapshot.points;
  if (!inOrder(points.at(-1), chunk.points)) return { kind: 'broken', reason: 'a snapshot chunk out of order' };
  a.remaining--;
  if (chunk.last !== (a.remaining === 0))
    return { kind: 'broken', reason: `snapshot chunks: ${a.remaining} more expected, last ${chunk.last}` };
  for (const p of chunk.points) points.push(p);
  if (!chunk.last) return { kind: 'partial' };
  const newest = points.at(-1);
  return {
    kind: 'complete',
    snapshot: { ...a.snapshot, lastSeq: Math.max(a.snapshot.lastSeq, newest?.seq ?? -1) },
  };
}

/** Every point newer (by seq) than the one before it. */
function inOrder(before: Point | undefined, points: Point[]): boolean {
  let prev = before?.seq ?? -Infinity;
  for (const p of points) {
    if (!(p.seq > prev)) return false;
    prev = p.seq;
  }
  return true;
}
