/**
 * Changes to users and keys take effect on every instance at once, not after a cache's lifetime.
 *
 * The user administration's hooks (`onUserChanged`, `onSessionsRevoked`) apply a change in this
 * process (forget the cached user state, close a disabled user's sockets, update a role on open
 * sockets) and, with cluster events, tell the other instances, which re-read the user from the
 * database and apply it through the same functions. Every local bump of the auth generation
 * (role, disable, key revoked) is published too, so their credential caches are dropped, and so is
 * every logout of one session (its cookie is refused everywhere). After a
 * Redis outage each instance drops its caches and checks every open socket against the database.
 */
import type { AuthState } from '../auth/auth-state';
import type { User, UsersRepo } from '../db/users-repo';
import type { Logger } from '../log';
import type { RealtimeServer } from '../realtime/server';
import { disconnectUserSockets, setUserSocketsRole } from '../realtime/user-sockets';
import type { ClusterEvents } from './events';

export interface AuthSyncDeps {
  io: RealtimeServer;
  users: Pick<UsersRepo, 'findById'>;
  /** The console's user-state cache, auth generation and logged-out sessions. */
  auth: Pick<AuthState, 'userStates' | 'changes' | 'loggedOut'>;
  /** null: one process (no Redis), the hooks apply locally only. */
  events: ClusterEvents | null;
  logger: Logger;
}

export interface UserChangeHooks {
  onUserChanged(user: Pick<User, 'id' | 'role' | 'disabled'>): void;
  onSessionsRevoked(user: Pick<User, 'id'>): void;
  /** Stops publishing auth changes (shutdown). */
  stop(): void;
}

/** The user-admin hooks for this process, wired to the other instances when `events` is given. */
export function userChangeHooks(deps: AuthSyncDeps): UserChangeHooks {
  const { io, events, auth } = deps;
  const log = deps.logger.child({ module: 'auth-sync' });
  // What a changed user means for this process's caches and sockets.
  const applyUserChange = (user: Pick<User, 'id' | 'role' | 'disabled'> | null, id: string) => {
    auth.userStates.forget(id);
    if (!user || user.disabled) disconnectUserSockets(io, id);
    else setUserSocketsRole(io, id, user.role);
  };
  const applySessionsRevoked = (id: string) => {
    auth.userStates.forget(id);
    // A tab whose own session was re-issued reconnects with its new cookie.
    disconnectUserSockets(io, id);
  };
  const remote = { notify: false };
  let unsubscribe = () => {};
  if (events) {
    const offBump = auth.changes.onBump(() => events.publish({ type: 'auth.changed' }));
    const offLogout = auth.loggedOut.onMark((e) => events.publish({ type: 'session.logged-out', ...e }));
    unsubscribe = () => {
      offBump();
      offLogout();
    };
    events.on('auth.changed', () => auth.changes.bump(remote));
    events.on('session.logged-out', (e) => void auth.loggedOut.mark(e.userId, e.sid, e.expiresAtMs, remote));
    events.on('user.changed', async ({ userId }) => {
      // The database is the truth: the event only says whom to look at.
      auth.changes.bump(remote);
      applyUserChange(await deps.users.findById(userId), userId);
    });
    events.on('user.sessions-revoked', ({ userId }) => {
      auth.changes.bump(remote);
      applySessionsRevoked(userId);
    });
    events.onResync(() => resyncSockets(io, auth, log));
  }
  return {
    onUserChanged(user) {
      applyUserChange(user, user.id);
      events?.publish({ type: 'user.changed', userId: user.id });
    },
    onSessionsRevoked(user) {
      applySessionsRevoked(user.id);
      events?.publish({ type: 'user.sessions-revoked', userId: user.id });
    },
    stop: () => unsubscribe(),
  };
}

/**
 * After missed events: every cache goes, and each open socket's user is read again (a user
 * disabled meanwhile is disconnected, a changed role applied). Revoked sessions of users still
 * enabled are caught when those sockets reconnect or their session ends.
 */
async function resyncSockets(io: RealtimeServer, auth: AuthSyncDeps['auth'], log: Logger): Promise<void> {
  auth.changes.bump({ notify: false });
  auth.userStates.forget();
  const ids = new Set<string>();
  for (const socket of io.of('/').sockets.values()) if (socket.data.userId) ids.add(socket.data.userId);
  let closed = 0;
  for (const id of ids) {
    const state = await auth.userStates.get(id);
    if (!state || state.disabled) closed += disconnectUserSockets(io, id);
    else setUserSocketsRole(io, id, state.role);
  }
  if (closed) log.info({ closed }, 'sockets of users disabled during the outage closed');
}
