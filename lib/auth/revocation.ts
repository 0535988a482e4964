/**
 * Server-side revocation of browser sessions and login tokens.
 *
 * - Every user has a session generation (users.session_generation); each session and login token
 *   carries the value it was issued under (`gen`). Bumping it (password change or reset, disable,
 *   "log out other sessions") revokes them all at once, on every instance: the check reads the
 *   cached user state (lib/auth/user-state.ts, at most 5 s old across processes, dropped at once in
 *   this one).
 * - Logging out ends that one session: its login (user + the session's `sid`) is remembered as
 *   ended until its lifetime is over. Checks read it from memory (every request asks, so no query
 *   each); the logout is also written to the database (revoked_sessions) and, clustered, told to
 *   the other instances (lib/cluster/auth-sync.ts). At start each instance reads the live rows
 *   back (`load`), so a copied cookie of a logged-out session stays refused after every instance
 *   has restarted. Rows of sessions that would have expired anyway are pruned.
 */
import { LRUCache } from 'lru-cache';
import type { RevokedSession, RevokedSessionsRepo } from '../db/revoked-sessions-repo';
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
export type LoggedOut = RevokedSession;

/** How often at most a logout also deletes the stored logouts whose sessions have expired. */
const PRUNE_EVERY_MS = 3_600_000;

export interface LoggedOutSessions {
  /**
   * Remembers a logged-out session until `expiresAtMs` (when it would have ended anyway): in
   * memory at once, then stored, then told to the listeners. Rejects when it could not be stored
   * (it is still refused by this process and, clustered, by the others until they restart).
   * `notify: false` for a logout learnt from another instance (which stored it already).
   */
  mark(userId: string, sid: string, expiresAtMs: number, opts?: { notify?: boolean }): Promise<void>;
  has(userId: string, sid: string): boolean;
  /** Calls `listener` after every logout marked here (clustered: told to the other instances). */
  onMark(listener: (e: LoggedOut) => void): () => void;
  /** Reads the stored logouts still live into memory, after pruning the expired ones; returns how many. */
  load(): Promise<number>;
}

/** `store`: where logouts outlive the process (the database); without it they live in memory only. */
export function createLoggedOutSessions(
  store: Pick<RevokedSessionsRepo, 'add' | 'live' | 'prune'> | null = null,
): LoggedOutSessions {
  const ended = new LRUCache<string, true>({ max: 100_000 });
  const listeners = new Set<(e: LoggedOut) => void>();
  const loginKey = (userId: string, sid: string) => `${userId}:${sid}`;
  const remember = (e: LoggedOut) => {
    const ttl = e.expiresAtMs - Date.now();
    if (ttl <= 0) return false;
    ended.set(loginKey(e.userId, e.sid), true, { ttl });
    return true;
  };
  let prunedAt = 0;
  const prune = async () => {
    prunedAt = Date.now();
    await store?.prune(new Date(prunedAt));
  };
  return {
    async mark(userId, sid, expiresAtMs, opts = {}) {
      const e = { userId, sid, expiresAtMs };
      if (!remember(e) || opts.notify === false) return;
      try {
        // Stored before it is told: an instance starting meanwhile reads the table only after it
        // listens for logouts, so it learns this one from one or the other.
        await store?.add(e);
        // A failed prune only leaves dead rows for the next one (or the next start).
        if (Date.now() - prunedAt >= PRUNE_EVERY_MS) await prune().catch(() => undefined);
      } finally {
        for (const l of listeners) l(e);
      }
    },
    has: (userId, sid) => ended.has(loginKey(userId, sid)),
    onMark(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      if (!store) return 0;
      await prune();
      let n = 0;
      for (const e of await store.live(new Date())) if (remember(e)) n++;
      return n;
    },
  };
}
