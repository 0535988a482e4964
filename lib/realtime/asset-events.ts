/**
 * Asset registry changes to every connected console (issue 15): an open asset picker reloads the
 * list when an admin creates, edits or retires an asset. No rooms: every page has a picker.
 */
import type { RealtimeServer } from './server';

export function assetsBroadcaster(io: RealtimeServer) {
  return (change: { kind: 'created' | 'updated' | 'retired'; id: string }) => void io.emit('assets:changed', change);
}
