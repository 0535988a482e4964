/**
 * Model lifecycle events to every connected console: `model:changed` when the serving version
 * changes (activation, promotion, recovery) or goes away (degraded).
 */
import type { RealtimeServer } from './server';

export function modelBroadcaster(
  io: RealtimeServer,
): (model: { name: string; version: string } | null, opts?: { local?: boolean }) => void {
  return (model, opts) => {
    // `local`: a change another instance made and announced; only this instance's clients here
    // (with the socket.io Redis adapter a plain emit would reach every instance's clients again).
    (opts?.local ? io.local : io).emit('model:changed', model);
  };
}
