import { gt, lte, sql } from 'drizzle-orm';
import type { Db } from './client';
import { revokedSessions } from './schema';

/** One logged-out session: the user, the session's `sid` and when it would have expired. */
export interface RevokedSession {
  userId: string;
  sid: string;
  expiresAtMs: number;
}

/**
 * The logged-out sessions that must stay refused after a restart (lib/auth/revocation.ts keeps
 * them in memory and writes them here). A row is useless once its session would have expired:
 * `live` skips such rows and `prune` deletes them.
 */
export function revokedSessionsRepo(db: Db) {
  return {
    /** Stores one logout; storing it twice (two instances, a retried logout) keeps one row. */
    async add(s: RevokedSession): Promise<void> {
      await db
        .insert(revokedSessions)
        .values({ userId: s.userId, sid: s.sid, expiresAt: new Date(s.expiresAtMs) })
        .onConflictDoNothing();
    },

    /** Every logout whose session has not expired yet at `now`. */
    async live(now = new Date()): Promise<RevokedSession[]> {
      const rows = await db
        .select({ userId: revokedSessions.userId, sid: revokedSessions.sid, expiresAt: revokedSessions.expiresAt })
        .from(revokedSessions)
        .where(gt(revokedSessions.expiresAt, now));
      return rows.map((r) => ({ userId: r.userId, sid: r.sid, expiresAtMs: r.expiresAt.getTime() }));
    },

    /** Deletes the rows of sessions expired at `now`; returns how many went. */
    async prune(now = new Date()): Promise<number> {
      const gone = await db
        .delete(revokedSessions)
        .where(lte(revokedSessions.expiresAt, now))
        .returning({ one: sql<number>`1` });
      return gone.length;
    },
  };
}

export type RevokedSessionsRepo = ReturnType<typeof revokedSessionsRepo>;
