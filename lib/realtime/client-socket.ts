'use client';

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionInfo } from './protocol';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** connecting: first attempt; live: connected; reconnecting: lost, retrying; offline: refused (no session) or browser offline. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionSnapshot {
  state: ConnectionState;
  session: SessionInfo | null;
}

let socket: ClientSocket | undefined;
let snapshot: ConnectionSnapshot = { state: 'connecting', session: null };
const listeners = new Set<() => void>();

function update(next: Partial<ConnectionSnapshot>) {
  snapshot = { ...snapshot, ...next };
  for (const l of listeners) l();
}

/** One shared socket per tab, authenticated by the session cookie the browser sends. */
export function getSocket(): ClientSocket {
  if (!socket) {
    socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on('connect', () => update({ state: 'live' }));
    socket.on('disconnect', (reason) => {
      update({ state: browserOffline() ? 'offline' : 'reconnecting' });
      // The server closes a socket whose session ended or was revoked, and socket.io does not
      // retry after that: try once more, with whatever cookie this tab has now (re-issued after
      // "log out other sessions" or a password change); a refused handshake then shows offline.
      if (reason === 'io server disconnect' && !browserOffline()) socket?.connect();
    });
    socket.on('connect_error', (err) =>
      update({ state: err.message === 'unauthorized' || browserOffline() ? 'offline' : 'reconnecting' }),
    );
    socket.on('session:ready', (session) => update({ session }));
    watchBrowserNetwork(socket);
  }
  return socket;
}

function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * The browser knows at once when the network is gone; socket.io would only notice at its next
 * missed heartbeat (tens of seconds). So: offline -> close the socket and say so; online ->
 * connect again (subscribers resume from their last seq on 'connect'). Once per tab, for the
 * tab's life, like the socket itself.
 */
function watchBrowserNetwork(s: ClientSocket): void {
  if (typeof window === 'undefined') return;
  window.addEventListener('offline', () => {
    update({ state: 'offline' });
    s.disconnect();
  });
  window.addEventListener('online', () => {
    if (s.connected) return;
    update({ state: 'reconnecting' });
    s.connect();
  });
}

/** For useSyncExternalStore: connection state that survives page navigations within the tab. */
export function subscribeConnection(listener: () => void): () => void {
  getSocket();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function connectionSnapshot(): ConnectionSnapshot {
  return snapshot;
}

const SERVER_SNAPSHOT: ConnectionSnapshot = { state: 'connecting', session: null };
export function serverConnectionSnapshot(): ConnectionSnapshot {
  return SERVER_SNAPSHOT;
}
