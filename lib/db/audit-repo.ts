import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
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
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
