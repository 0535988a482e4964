import type { Role } from '../auth/roles';
import type { RealtimeServer } from './server';

/**
 * Closes every open socket of a user (disabled by an admin): the handshake check only runs at
 * connect, so an open socket would otherwise keep streaming. The client's reconnect is then
 * refused by the handshake. Returns how many sockets were closed.
 */
export function disconnectUserSockets(io: RealtimeServer, userId: string): number {
  let n = 0;
  for (const socket of io.of('/').sockets.values()) {
    if (socket.data.userId === userId) {
      socket.disconnect(true);
      n++;
    }
  }
  return n;
}

/** Applies a role change to a user's open sockets (the role was read at connect). */
export function setUserSocketsRole(io: RealtimeServer, userId: string, role: Role): void {
  for (const socket of io.of('/').sockets.values()) {
    if (socket.data.userId === userId) socket.data.role = role;
  }
}
