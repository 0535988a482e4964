import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { OriginPolicy } from '../auth/origin-policy';
import type { LoggedOutSessions } from '../auth/revocation';
import type { UserState } from '../auth/user-state';
import type { Logger } from '../log';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './protocol';
import { closeAtSessionEnd } from './session-expiry';
import { sessionFromHandshake } from './socket-auth';
import { createSocketGuard, type SocketGuard } from './socket-guard';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  authSecret: string;
  /** true when the console is served over https (next-auth then uses the __Secure- cookie). */
  secureCookie: boolean;
  /** Session lifetime in seconds (SESSION_MAX_AGE_HOURS): older sessions are refused, open sockets closed at it. */
  sessionMaxAgeSeconds: number;
  logger: Logger;
  /** Looks up the user's current state at the handshake (disabled -> refused). */
  userState?: (userId: string) => Promise<UserState | null>;
  /** Sessions ended by logging out: refused at the handshake like revoked ones. */
  loggedOut?: Pick<LoggedOutSessions, 'has'>;
  /** Per-socket event limits (socket-guard.ts); one with the defaults and no audit when absent. */
  guard?: SocketGuard;
  /** Refuses handshakes from a page of another origin, which would read the stream as the victim. */
  origins?: OriginPolicy;
}

/**
 * Attaches socket.io to the HTTP server. Every connection must carry a valid next-auth session
 * cookie; others are refused with `unauthorized` before any event is exchanged.
 */
export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): RealtimeServer {
  const log = deps.logger.child({ module: 'realtime' });
  const io: RealtimeServer = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Same-origin only: the console's pages are the only intended clients.
    cors: { origin: false },
  });

  io.use((socket, next) => {
    const verdict = deps.origins?.checkHandshake(socket.handshake.headers) ?? { ok: true };
    if (verdict.ok) return next();
    log.warn({ address: socket.handshake.address, reason: verdict.reason }, 'socket refused: foreign origin');
    next(new Error('origin_refused'));
  });

  const guard = deps.guard ?? createSocketGuard({ logger: deps.logger });
  io.use((socket, next) => {
    sessionFromHandshake(socket.handshake.headers, {
      secret: deps.authSecret,
      secureCookie: deps.secureCookie,
      maxAgeSeconds: deps.sessionMaxAgeSeconds,
      userState: deps.userState,
      loggedOut: deps.loggedOut,
    })
      .then((session) => {
        if (!session) {
          log.info({ address: socket.handshake.address }, 'socket refused: no valid session');
          next(new Error('unauthorized'));
          return;
        }
        const wait = guard.coolingDown(session.data.userId);
        if (wait > 0) {
          log.info(
            { user: session.data.username, retryAfterSeconds: wait },
            'socket refused: cooling down after abuse',
          );
          next(Object.assign(new Error('cooling_down'), { data: { retryAfterSeconds: wait } }));
          return;
        }
        socket.data = session.data;
        closeAtSessionEnd(socket, session.expiresAtMs, () =>
          log.info({ user: session.data.username }, 'socket closed: session ended'),
        );
        next();
      })
      .catch((err: unknown) => {
        log.warn({ err }, 'socket auth failed');
        next(new Error('unauthorized'));
      });
  });

  io.on('connection', (socket) => {
    // First, so every event of this socket passes the guard before any handler sees it.
    guard.attach(socket);
    socket.emit('session:ready', { username: socket.data.username, role: socket.data.role });
    socket.on('session:ping', (ack: unknown) => {
      if (typeof ack === 'function') (ack as (serverTime: number) => void)(Date.now());
      else guard.strike(socket, 'session:ping without an acknowledgement');
    });
  });

  return io;
}
