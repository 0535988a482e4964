/**
 * Alert events to every connected console: the header's banner and badge count all alerts, so
 * there are no rooms here (unlike the per-asset stream).
 */
import type { AlertBroadcaster } from '../alerts/alert-service';
import type { RealtimeServer } from './server';

export function alertsHub(io: RealtimeServer): AlertBroadcaster {
  return {
    raised: (alert) => void io.emit('alert:raised', alert),
    updated: (alert) => void io.emit('alert:updated', alert),
  };
}
