/**
 * The socket.io protocol: types only, imported by the server hub and the browser hook alike.
 * Events are named `domain:verb`. The stream events are filled by the live-stream work; the
 * shape is fixed here so both sides grow together.
 */
import type { Role } from '../auth/roles';

export interface SessionInfo {
  username: string;
  role: Role;
}

export interface ServerToClientEvents {
  'session:ready': (info: SessionInfo) => void;
}

export interface ClientToServerEvents {
  'session:ping': (ack: (serverTime: number) => void) => void;
}

export type InterServerEvents = Record<string, never>;

/** What the auth middleware attaches to every accepted socket. */
export interface SocketData {
  userId: string;
  username: string;
  role: Role;
}
