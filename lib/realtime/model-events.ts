/**
 * Model lifecycle events to every connected console: `model:changed` when the serving version
 * changes (activation, promotion, recovery) or goes away (degraded).
 */
import type { RealtimeServer } from './server';

export function modelBroadcaster(io: RealtimeServer): (model: { name: string; version: string } | null) => void {
  return (model) => {
    io.emit('model:changed', model);
  };
}
