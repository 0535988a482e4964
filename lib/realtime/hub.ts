/**
 * The stream hub: a socket.io room per asset. Subscribing joins the room and answers, in the
 * acknowledgement, with a snapshot (or exactly the missed points on a resume); every new point
 * is then emitted to the room. Joining and snapshotting happen in one synchronous step, so no
 * point can fall between the snapshot and the first live point.
 *
 * A snapshot larger than `snapshotChunkPoints` is sent in pieces, one per turn of the work
 * queue, so HTTP and live points are served between them (issue 14: one 20,000-point message
 * was ~55 ms of synchronous CPU). The socket joins the room only in the step that sends the last
 * piece, which also carries the points the stream gained since the snapshot was taken: the
 * client sees the acknowledgement, the chunks, then live points, with no gap and no repeat.
 *
 * Live points are batched (issue 15: one socket.io frame and one socket write per point was the
 * console's largest CPU cost under ingest load): the points of one asset published in the same
 * task of the event loop go out as one `stream:points` frame. Before a socket joins or leaves an
 * asset's room, that asset's pending points are flushed to the room as it is: the joiner's
 * snapshot already holds them (they are in the stream buffer), so sending them later would
 * repeat them, and a leaver had them published while it was still a member.
 *
 * Subscribes are bounded (issue 14: one socket's 10,000 subscribes froze the console): payloads
 * are parsed with zod, the work runs on a process-wide queue in slices (snapshot-queue.ts), a
 * socket holds at most `maxSubscriptions` streams, a snapshot at most `maxSnapshotPoints`, and a
 * socket is sent at most `snapshotPointBudget` snapshot points per window. Identical requests
 * at the same stream position share one built snapshot. Refusals count as strikes (socket-guard).
 */
import { LRUCache } from 'lru-cache';
import { DEFAULT_SNAPSHOT_POINTS, type AssetStream } from '../twin/asset-stream';
import type { Point } from '../twin/types';
import { parsePayload, subscribeRequestSchema, unsubscribeRequestSchema } from './client-events';
import type { SnapshotChunk, StreamSnapshot, SubscribeAck } from './protocol';
import type { RealtimeServer } from './server';
import { createWorkQueue, type WorkQueue } from './snapshot-queue';
import type { SocketGuard } from './socket-guard';

export const roomOf = (assetId: string) => `asset:${assetId}`;

export interface StreamHub {
  publish(assetId: string, point: Point): void;
}

/** What one socket holds: its streams, the snapshot points sent in the current window, chunked snapshots under way. */
interface SocketStreams {
  assets: Set<string>;
  windowStart: number;
  sent: number;
  transfers: Map<number, { assetId: string }>;
  lastTransfer: number;
}

/** A `sinceTs` rounded down to this step lets clients asking "the last hour" share a snapshot. */
const SINCE_TS_STEP_MS = 1_000;

export function attachStreamHub(
  io: RealtimeServer,
  streams: (assetId: string) => AssetStream | undefined,
  guard: SocketGuard,
  queue: WorkQueue = createWorkQueue(),
  /**
   * Clustered mode: a resume from a seq this instance's mirror has not seen yet (the client came
   * from another instance) first brings the mirror up to date from the database.
   */
  catchUp?: (assetId: string) => Promise<void>,
): StreamHub {
  const { limits } = guard;
  const batches = createPointBatches(io);
  // Built snapshots by request; an entry is valid only while its stream's lastSeq is unchanged.
  const shared = new LRUCache<string, { lastSeq: number; snapshot: StreamSnapshot }>({ max: 64 });

  const snapshotFor = (
    stream: AssetStream,
    req: { sinceSeq?: number; epoch?: string; sinceTs?: number; maxPoints: number },
  ) => {
    const key = JSON.stringify([stream.assetId, req.sinceSeq, req.epoch, req.sinceTs, req.maxPoints]);
    const hit = shared.get(key);
    if (hit && hit.lastSeq === stream.lastSeq && hit.snapshot.epoch === stream.epoch) return hit.snapshot;
    const snapshot = stream.snapshot(req);
    shared.set(key, { lastSeq: stream.lastSeq, snapshot });
    return snapshot;
  };

  io.on('connection', (socket) => {
    const state: SocketStreams = {
      assets: new Set(),
      windowStart: Date.now(),
      sent: 0,
      transfers: new Map(),
      lastTransfer: 0,
    };

    /**
     * Sends `snapshot.points[from..]` as chunks of transfer `id`, one per turn of the queue
     * (setImmediate first, so I/O waiting since the last piece is read before the next). Stops
     * when the transfer was cancelled (unsubscribe) or the socket is gone.
     */
    const sendChunks = (id: number, snapshot: StreamSnapshot, from: number) =>
      setImmediate(() =>
        queue.push(() => {
          if (!state.transfers.has(id) || !socket.connected) return;
          const { assetId } = snapshot;
          const to = from + limits.snapshotChunkPoints;
          const chunk: SnapshotChunk = { assetId, transfer: id, points: snapshot.points.slice(from, to), last: false };
          if (to < snapshot.points.length) {
            socket.emit('stream:snapshot-chunk', chunk);
            sendChunks(id, snapshot, to);
            return;
          }
          // The last piece, the points gained since the snapshot and the join, in one synchronous
          // step: the next point published to the room is the first one after these.
          state.transfers.delete(id);
          const stream = streams(assetId);
          const gained = stream?.epoch === snapshot.epoch ? stream.pointsAfter(snapshot.lastSeq) : null;
          // Null: the stream was reset meanwhile (clustered mode: refilled from the database); the
          // client sees a gap at the next live point and resumes by seq, as after any gap.
          if (gained) for (const p of gained) chunk.points.push(p);
          chunk.last = true;
          socket.emit('stream:snapshot-chunk', chunk);
          batches.flush(assetId);
          void socket.join(roomOf(assetId));
        }),
      );
    socket.on('disconnect', () => state.transfers.clear());

    socket.on('stream:subscribe', (raw: unknown, ack?: (res: SubscribeAck) => void) => {
      if (typeof ack !== 'function') {
        guard.strike(socket, 'stream:subscribe without an acknowledgement');
        return;
      }
      const parsed = parsePayload(subscribeRequestSchema, raw);
      if (!parsed.ok) {
        ack({ ok: false, error: parsed.error });
        guard.strike(socket, parsed.error);
        return;
      }
      const req = parsed.data;
      const refuse = (error: string) => {
        ack({ ok: false, error });
        guard.strike(socket, error);
      };
      const respond = () => {
        if (!socket.connected) return;
        const stream = streams(req.assetId);
        if (!stream) return refuse(`unknown asset "${req.assetId}"`);
        if (!state.assets.has(req.assetId) && state.assets.size >= limits.maxSubscriptions)
          return refuse(`too many subscriptions (at most ${limits.maxSubscriptions} per connection)`);
        const snapshot = snapshotFor(stream, {
          ...(req.sinceSeq !== undefined && { sinceSeq: req.sinceSeq }),
          ...(req.epoch !== undefined && { epoch: req.epoch }),
          ...(req.sinceTs !== undefined && { sinceTs: Math.floor(req.sinceTs / SINCE_TS_STEP_MS) * SINCE_TS_STEP_MS }),
          maxPoints: Math.min(
            Math.max(1, Math.floor(req.maxPoints ?? DEFAULT_SNAPSHOT_POINTS)),
            limits.maxSnapshotPoints,
          ),
        });
        const now = Date.now();
        if (now - state.windowStart >= limits.snapshotWindowMs) {
          state.windowStart = now;
          state.sent = 0;
        }
        if (state.sent + snapshot.points.length > limits.snapshotPointBudget)
          return refuse(
            `too many snapshot points (at most ${limits.snapshotPointBudget} per ${limits.snapshotWindowMs / 1000} s); retry later`,
          );
        state.sent += snapshot.points.length;
        state.assets.add(req.assetId);
        const chunk = limits.snapshotChunkPoints;
        if (snapshot.points.length <= chunk) {
          batches.flush(req.assetId);
          void socket.join(roomOf(req.assetId));
          ack({ ok: true, snapshot });
          return;
        }
        const id = ++state.lastTransfer;
        state.transfers.set(id, { assetId: req.assetId });
        const more = Math.ceil(snapshot.points.length / chunk) - 1;
        ack({ ok: true, snapshot: { ...snapshot, points: snapshot.points.slice(0, chunk) }, more, transfer: id });
        sendChunks(id, snapshot, chunk);
      };
      const ahead = streams(req.assetId);
      if (catchUp && ahead && req.sinceSeq !== undefined && req.epoch === ahead.epoch && req.sinceSeq > ahead.lastSeq) {
        catchUp(req.assetId)
          .catch(() => undefined)
          .finally(() => queue.push(respond));
        return;
      }
      queue.push(respond);
    });

    socket.on('stream:unsubscribe', (raw: unknown) => {
      const parsed = parsePayload(unsubscribeRequestSchema, raw);
      if (!parsed.ok) {
        guard.strike(socket, parsed.error);
        return;
      }
      const { assetId } = parsed.data;
      // Through the queue, so it cannot overtake a subscribe sent before it.
      queue.push(() => {
        state.assets.delete(assetId);
        for (const [id, t] of state.transfers) if (t.assetId === assetId) state.transfers.delete(id);
        batches.flush(assetId);
        void socket.leave(roomOf(assetId));
      });
    });
  });

  return { publish: batches.add };
}

/**
 * Per-asset lists of points not yet sent, flushed together when the current task ends (`add`),
 * or one asset's at once (`flush`) when its room is about to change.
 */
function createPointBatches(io: RealtimeServer) {
  const pending = new Map<string, Point[]>();
  let scheduled = false;

  const emit = (assetId: string, points: Point[]) =>
    // This instance's sockets only: in clustered mode every instance publishes the points it
    // buffers (the owner its own, the others what they mirror), so snapshot and live points
    // come from the same buffer.
    io.local.to(roomOf(assetId)).emit('stream:points', { assetId, points });

  const flushAll = () => {
    scheduled = false;
    for (const [assetId, points] of pending) emit(assetId, points);
    pending.clear();
  };

  return {
    add(assetId: string, point: Point): void {
      const points = pending.get(assetId);
      if (points) points.push(point);
      else pending.set(assetId, [point]);
      if (scheduled) return;
      scheduled = true;
      // A microtask, not setImmediate: the same CPU saved under ingest load (a commit publishes its
      // points in one synchronous loop), but sent before the loop goes on to other I/O; with
      // setImmediate bench:stream's delivery p99 was 46-48 ms against 13-22 ms.
      queueMicrotask(flushAll);
    },
    flush(assetId: string): void {
      const points = pending.get(assetId);
      if (!points) return;
      pending.delete(assetId);
      emit(assetId, points);
    },
  };
}
