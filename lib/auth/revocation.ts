/**
 * Server-side revocation of browser sessions and login tokens.
 *
 * - Every user has a session generation (users.session_generation); each session and login token
 *   carries the value it was issued under (`gen`). Bumping it (password change or reset, disable,
 *   "log out other sessions") revokes them all at once, on every instance: the check reads the
 *   cached user state (lib/auth/user-state.ts, at most 5 s old across processes, dropped at once in
 *   this one).
 * - Logging out ends that one session: its login (user + the session's `sid`) is remembered as ended until
 *   its lifetime is over. This list lives in this process's memory (bounded, expiring), so with
 *   several instances a copied cookie of a logged-out session stays usable on the other ones
 *   until it expires; "log out other sessions" is the cross-instance way.
 */
import { LRUCache } from 'lru-cache';
import type { SessionClaims } from './session-claims';
import type { UserState } from './user-state';

export type SessionRefusal = 'unknown_user' | 'user_disabled' | 'session_revoked' | 'logged_out';

/** Why a session (or login token) with these claims is no longer valid for this user, or null. */
export function sessionRefusal(
  claims: Pick<SessionClaims, 'generation'> & Partial<Pick<SessionClaims, 'userId' | 'sid'>>,
  state: UserState | null,
  loggedOut: Pick<LoggedOutSessions, 'has'>,
): SessionRefusal | null {
  if (!state) return 'unknown_user';
  if (state.disabled) return 'user_disabled';
  if (state.sessionGeneration !== claims.generation) return 'session_revoked';
  if (claims.userId !== undefined && claims.sid !== undefined && loggedOut.has(claims.userId, claims.sid))
    return 'logged_out';
  return null;
}

/** The logins ended by logging out, until their sessions would have expired (one per console, in its services). */
export interface LoggedOutSessions {
  /** Remembers a logged-out session until `expiresAtMs` (when it would have ended anyway). */
  mark(userId: string, sid: string, expiresAtMs: number): void;
  has(userId: string, sid: string): boolean;
}

export function createLoggedOutSessions(): LoggedOutSessions {
  const ended = new LRUCache<string, true>({ max: 100_000 });
  const loginKey = (userId: string, sid: string) => `${userId}:${sid}`;
  return {
    mark(userId, sid, expiresAtMs) {
      const ttl = expiresAtMs - Date.now();
      if (ttl > 0) ended.set(loginKey(userId, sid), true, { ttl });
    },
    has: (userId, sid) => ended.has(loginKey(userId, sid)),
  };
}
