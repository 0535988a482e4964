/**
 * The stream hub: a socket.io room per asset. Subscribing joins the room and answers, in the
 * acknowledgement, with a snapshot (or exactly the missed points on a resume); every new point
 * is then emitted to the room. Joining and snapshotting happen in one synchronous step, so no
 * point can fall between the snapshot and the first live point.
 */
import type { Point } from '../twin/types';
import type { AssetStream } from '../twin/asset-stream';
import type { SubscribeAck, SubscribeRequest } from './protocol';
import type { RealtimeServer } from './server';

export const roomOf = (assetId: string) => `asset:${assetId}`;

export interface StreamHub {
  publish(assetId: string, point: Point): void;
}

export function attachStreamHub(io: RealtimeServer, streams: (assetId: string) => AssetStream | undefined): StreamHub {
  io.on('connection', (socket) => {
    socket.on('stream:subscribe', (req: SubscribeRequest, ack: (res: SubscribeAck) => void) => {
      if (typeof ack !== 'function') return;
      const problem = validateSubscribe(req);
      if (problem) {
        ack({ ok: false, error: problem });
        return;
      }
      const stream = streams(req.assetId);
      if (!stream) {
        ack({ ok: false, error: `unknown asset "${req.assetId}"` });
        return;
      }
      void socket.join(roomOf(req.assetId));
      ack({ ok: true, snapshot: stream.snapshot(req) });
    });
    socket.on('stream:unsubscribe', (req) => {
      if (req && typeof req.assetId === 'string') void socket.leave(roomOf(req.assetId));
    });
  });

  return {
    publish(assetId, point) {
      io.to(roomOf(assetId)).emit('stream:point', { assetId, point });
    },
  };
}

function validateSubscribe(req: unknown): string | null {
  if (!req || typeof req !== 'object') return 'subscribe needs {assetId}';
  const r = req as Record<string, unknown>;
  if (typeof r.assetId !== 'string' || r.assetId.length === 0 || r.assetId.length > 100)
    return 'assetId must be a non-empty string';
  for (const key of ['sinceSeq', 'sinceTs', 'maxPoints'] as const) {
    if (r[key] !== undefined && (typeof r[key] !== 'number' || !Number.isFinite(r[key])))
      return `${key} must be a finite number`;
  }
  if (r.epoch !== undefined && (typeof r.epoch !== 'string' || r.epoch.length > 100)) return 'epoch must be a string';
  return null;
}
