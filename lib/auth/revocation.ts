/**
 * Server-side revocation of browser sessions and login tokens.
 *
 * - Every user has a session generation (users.session_generation); each session and login token
 *   carries the value it was issued under (`gen`). Bumping it (password change or reset, disable,
 *   "log out other sessions") revokes them all at once, on every instance: the check reads the
 *   cached user state (lib/auth/user-state.ts, at most 5 s old across processes, dropped at once in
 *   this one).
 * - Logging out ends that one session: its login (user + the session's `sid`) is remembered as ended until
 *   its lifetime is over. This list lives in each process's memory (bounded, expiring); with Redis
 *   every logout is told to the other instances (lib/cluster/auth-sync.ts), without it a copied
 *   cookie of a logged-out session stays usable on other instances until it expires.
 */
import { LRUCache } from 'lru-cache';
import type { SessionClaims } from './session-claims';
import type { UserState } from './user-state';

export type SessionRefusal = 'unknown_user' | 'user_disabled' | 'session_revoked' | 'logged_out';

/** Why a session (or login token) with these claims is no longer valid for this user, or null. */
export function sessionRefusal(
  claims: Pick<SessionClaims, 'generation'> & Partial<Pick<SessionClaims, 'userId' | 'sid'>>,
  state: UserState | null,
): SessionRefusal | null {
  if (!state) return 'unknown_user';
  if (state.disabled) return 'user_disabled';
  if (state.sessionGeneration !== claims.generation) return 'session_revoked';
  if (claims.userId !== undefined && claims.sid !== undefined && isLoggedOut(claims.userId, claims.sid))
    return 'logged_out';
  return null;
}

const KEY = Symbol.for('twinops.loggedOutSessions');
const LISTENERS = Symbol.for('twinops.loggedOutListeners');
export type LoggedOut = { userId: string; sid: string; expiresAtMs: number };
type Holder = { [KEY]?: LRUCache<string, true>; [LISTENERS]?: Set<(e: LoggedOut) => void> };
const ended = () => ((globalThis as Holder)[KEY] ??= new LRUCache<string, true>({ max: 100_000 }));
// On globalThis: logouts happen in Next's bundle (next-auth's signOut event), listeners in the server.
const listeners = () => ((globalThis as Holder)[LISTENERS] ??= new Set());
const loginKey = (userId: string, sid: string) => `${userId}:${sid}`;

/**
 * Remembers a logged-out session until `expiresAtMs` (when it would have ended anyway).
 * `notify: false` for a logout learnt from another instance.
 */
export function markLoggedOut(userId: string, sid: string, expiresAtMs: number, opts: { notify?: boolean } = {}): void {
  const ttl = expiresAtMs - Date.now();
  if (ttl <= 0) return;
  ended().set(loginKey(userId, sid), true, { ttl });
  if (opts.notify !== false) for (const l of listeners()) l({ userId, sid, expiresAtMs });
}

/** Calls `listener` after every logout in this process. Returns the unsubscribe. */
export function onLoggedOut(listener: (e: LoggedOut) => void): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function isLoggedOut(userId: string, sid: string): boolean {
  return ended().has(loginKey(userId, sid));
}
