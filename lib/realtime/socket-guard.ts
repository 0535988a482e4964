/**
 * Per-socket limits on client events, so one socket cannot stall the console: every incoming
 * event passes a rate limit (rate-limiter-flexible, in memory, keyed by socket id) and must be
 * one of the known client events. A refused event is answered with an error acknowledgement
 * when the client gave one, and counts as a strike; handlers add strikes for bad payloads and
 * refused requests. A socket with too many strikes in a short window is disconnected and the
 * abuse written to the audit log (`socket.abuse`, with the user and the reason). The cut-off
 * user may not open a new socket for a cool-down (`coolDownSeconds`): a flooder that simply
 * reconnects would otherwise start the next burst at once.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import type { AuditEvent } from '../db/audit-repo';
import type { Logger } from '../log';
import { isClientEvent } from './client-events';

export interface SocketLimits {
  /** Events one socket may send per second (a short burst of this many is allowed). */
  eventsPerSecond: number;
  /** Strikes (refused events) tolerated within `strikeWindowSeconds` before the disconnect. */
  maxStrikes: number;
  strikeWindowSeconds: number;
  /** Streams one socket may be subscribed to at once. */
  maxSubscriptions: number;
  /** Largest snapshot one subscribe is answered with (points). */
  maxSnapshotPoints: number;
  /**
   * A larger snapshot is sent in pieces of this many points, one per turn of the work queue
   * (the default keeps the default 2,000-point snapshot in one piece: ~5 ms to encode and send).
   */
  snapshotChunkPoints: number;
  /** Snapshot points one socket may be sent per `snapshotWindowMs`. */
  snapshotPointBudget: number;
  snapshotWindowMs: number;
  /** How long a user cut off for abuse is refused at the socket handshake. */
  coolDownSeconds: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  eventsPerSecond: 20,
  maxStrikes: 40,
  strikeWindowSeconds: 10,
  maxSubscriptions: 16,
  maxSnapshotPoints: 20_000,
  snapshotChunkPoints: 2_000,
  snapshotPointBudget: 100_000,
  snapshotWindowMs: 10_000,
  coolDownSeconds: 60,
};

export interface SocketGuard {
  readonly limits: SocketLimits;
  /** Installs the event filter on a new socket. */
  attach(socket: Socket): void;
  /** Counts a refused request; disconnects (once) when the socket has too many. */
  strike(socket: Socket, reason: string): void;
  /** Seconds the user still has to wait after being cut off for abuse; 0 when they may connect. */
  coolingDown(userId: string): number;
}

export interface SocketGuardDeps {
  logger: Logger;
  audit?: { record(event: AuditEvent): Promise<void> };
  limits?: Partial<SocketLimits>;
  /** The clock of the cool-down (tests step it). */
  now?: () => number;
}

type Ack = (res: { ok: false; error: string }) => void;

export function createSocketGuard(deps: SocketGuardDeps): SocketGuard {
  const limits = { ...DEFAULT_SOCKET_LIMITS, ...deps.limits };
  const log = deps.logger.child({ module: 'socket-guard' });
  const events = new RateLimiterMemory({ points: limits.eventsPerSecond, duration: 1 });
  // Strikes are counted synchronously: a burst of thousands of events is refused within one
  // turn of the event loop, and the socket must be cut off at the strike that crosses the limit,
  // not after every refusal of the burst has been answered.
  const strikeTimes = new WeakMap<Socket, number[]>();
  const cutOff = new WeakSet<Socket>();
  const now = deps.now ?? Date.now;
  // userId -> end of the cool-down (ms). Bounded: an entry lives coolDownSeconds, and only an
  // authenticated user who was cut off gets one.
  const coolDownUntil = new Map<string, number>();

  const disconnectForAbuse = (socket: Socket, reason: string) => {
    if (cutOff.has(socket)) return;
    cutOff.add(socket);
    const user = socket.data as { userId?: string; username?: string };
    log.warn({ user: user.username, address: socket.handshake.address, reason }, 'abusive socket disconnected');
    if (user.userId) coolDownUntil.set(user.userId, now() + limits.coolDownSeconds * 1000);
    socket.disconnect(true);
    stopReading(socket);
    deps.audit
      ?.record({
        actor: user.username ?? null,
        action: 'socket.abuse',
        target: user.userId ?? null,
        outcome: 'denied',
        address: socket.handshake.address,
        details: { reason },
      })
      .catch((err: unknown) => log.warn({ err }, 'could not audit an abusive socket'));
  };

  const guard: SocketGuard = {
    limits,
    coolingDown(userId) {
      const until = coolDownUntil.get(userId);
      if (until === undefined) return 0;
      const left = until - now();
      if (left > 0) return Math.ceil(left / 1000);
      coolDownUntil.delete(userId);
      return 0;
    },
    strike(socket, reason) {
      if (cutOff.has(socket)) return;
      const now = Date.now();
      const since = now - limits.strikeWindowSeconds * 1000;
      const times = (strikeTimes.get(socket) ?? []).filter((t) => t > since);
      times.push(now);
      strikeTimes.set(socket, times);
      if (times.length > limits.maxStrikes)
        disconnectForAbuse(
          socket,
          `too many refused events (over ${limits.maxStrikes} in ${limits.strikeWindowSeconds} s); last: ${reason}`,
        );
    },
    attach(socket) {
      const refuse = (args: unknown[], error: string) => {
        // The rest of a burst that got this socket cut off is dropped unanswered.
        if (cutOff.has(socket)) return;
        const ack = args.at(-1);
        if (typeof ack === 'function') (ack as Ack)({ ok: false, error });
        guard.strike(socket, error);
      };
      socket.use(([event, ...args], next) => {
        // Not calling next() drops the event (next(err) would only raise an 'error' on the socket).
        if (cutOff.has(socket) || !socket.connected) return;
        if (!isClientEvent(event)) {
          refuse(args, 'unknown event');
          return;
        }
        events.consume(socket.id).then(
          () => next(),
          () => refuse(args, `too many events (at most ${limits.eventsPerSecond} a second)`),
        );
      });
      socket.once('disconnect', () => {
        void events.delete(socket.id);
      });
    },
  };
  return guard;
}

/**
 * Stops reading a cut-off WebSocket's TCP connection at once. `disconnect(true)` only starts
 * WebSocket's closing handshake, and until the peer answers it, every frame of a burst already
 * on the wire would still be read, unmasked and decoded (and dropped): thousands of frames of
 * main-thread work that the health probe and other clients wait behind. The frames are no longer
 * handed to the WebSocket parser and the rest stays in the kernel; writing is untouched, so the
 * disconnect packet and the close frame still reach the peer. The connection is destroyed a
 * second later: the peer's answer to the closing handshake is never read.
 */
function stopReading(socket: Socket): void {
  if (socket.conn.transport.name !== 'websocket') return; // polling: each request is one bounded batch
  const raw = (socket.conn.request as { socket?: import('node:net').Socket }).socket;
  if (!raw || raw.destroyed) return;
  raw.removeAllListeners('data');
  raw.pause();
  setTimeout(() => raw.destroy(), 1_000).unref();
}
