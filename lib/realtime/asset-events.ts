/**
 * Asset registry changes to every connected console (issue 15): an open asset picker reloads the
 * list when an admin creates, edits or retires an asset. No rooms: every page has a picker.
 * Clustered, each instance tells only its own sockets, once its own registry has the change
 * (lib/cluster/asset-sync.ts): a picker reloading from its instance then finds the asset there.
 */
import type { RealtimeServer } from './server';

export function assetsBroadcaster(io: RealtimeServer) {
  return (change: { kind: 'created' | 'updated' | 'retired'; id: string }) =>
    void io.local.emit('assets:changed', change);
}
