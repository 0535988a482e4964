import { and, desc, eq, gte, like, lt, lte, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { auditLog, type Outcome } from './schema';

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: Outcome;
  address: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditEvent {
  actor: string | null;
  action: string;
  target?: string | null;
  outcome: Outcome;
  address?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: Outcome;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

/** A filtered page of the log (newest first) and the cursor of the next, older page. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` to get the next page; null when this page is the last. */
  nextCursor: number | null;
}

export interface AuditPageQuery extends Omit<AuditQuery, 'offset' | 'action'> {
  /** Exact action, or a prefix ending in `.` or `*` (`user.` matches `user.create`, `user.disable`…). */
  action?: string;
  /** Keyset cursor: only entries with an id below this one. */
  before?: number;
}

/** `user.*` / `user.` -> a LIKE pattern (wildcards in the text itself are escaped). */
function actionCondition(action: string): SQL {
  const prefix = action.endsWith('*') ? action.slice(0, -1) : action.endsWith('.') ? action : null;
  if (prefix === null) return eq(auditLog.action, action);
  return like(auditLog.action, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

/** Append-only audit log: who did what, when, from where, and whether it worked. */
export function auditRepo(db: Db) {
  return {
    async record(event: AuditEvent): Promise<void> {
      await db.insert(auditLog).values({
        actor: event.actor,
        action: event.action,
        target: event.target ?? null,
        outcome: event.outcome,
        address: event.address ?? null,
        details: event.details ?? null,
      });
    },

    /** Newest first. */
    async list(q: AuditQuery = {}): Promise<AuditEntry[]> {
      const where: SQL[] = [];
      if (q.actor) where.push(eq(auditLog.actor, q.actor));
      if (q.action) where.push(eq(auditLog.action, q.action));
      if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
      if (q.from) where.push(gte(auditLog.at, q.from));
      if (q.to) where.push(lte(auditLog.at, q.to));
      return db
        .select()
        .from(auditLog)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(Math.min(q.limit ?? 100, 1000))
        .offset(q.offset ?? 0);
    },

    /**
     * Filtered, keyset-paginated on id (ids grow with time, so id order is newest first and a
     * page stays stable while new entries arrive, unlike an offset).
     */
    async page(q: AuditPageQuery = {}): Promise<AuditPage> {
      const limit = Number.isInteger(q.limit) ? Math.max(1, Math.min(q.limit!, 500)) : 50;
      const where: SQL[] = [];
      if (q.actor) where.push(eq(auditLog.actor, q.actor));
      if (q.action) where.push(actionCondition(q.action));
      if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
      if (q.from) where.push(gte(auditLog.at, q.from));
      if (q.to) where.push(lte(auditLog.at, q.to));
      if (q.before !== undefined) where.push(lt(auditLog.id, q.before));
      const rows = await db
        .select()
        .from(auditLog)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(limit + 1);
      const entries = rows.slice(0, limit);
      return { entries, nextCursor: rows.length > limit ? (entries[entries.length - 1]?.id ?? null) : null };
    },
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
