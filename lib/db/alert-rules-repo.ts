/** Alarm rules: seeding the defaults, listing, editing, shelving a whole rule. */
import { eq } from 'drizzle-orm';
import {
  priorityOfSeverity,
  type AlarmPriority,
  type AlertRule,
  type AlertSeverity,
  type RuleChanges,
} from '../alerts/types';
import { toRule } from './alarm-rows';
import type { Db } from './client';
import { alertRules } from './schema';

export interface NewRule {
  assetId: string;
  signal: string;
  severity: AlertSeverity;
  /** Default: from the severity (critical -> high, warning -> medium). */
  priority?: AlarmPriority;
  low: number | null;
  high: number | null;
  deadband?: number;
  minDurationMs?: number;
  /** Default true. */
  enabled?: boolean;
}

export function alertRulesRepo(db: Db) {
  return {
    /**
     * Inserts the default rules of (asset, signal) pairs that have no rule at all, so a rule an
     * operator edited (even its severity) is never duplicated on the next start. Idempotent, also
     * when two processes seed at once. Returns how many were added.
     */
    async seedRules(defaults: NewRule[]): Promise<number> {
      if (!defaults.length) return 0;
      const existing = await db.select({ assetId: alertRules.assetId, signal: alertRules.signal }).from(alertRules);
      const have = new Set(existing.map((r) => `${r.assetId}\u0000${r.signal}`));
      const missing = defaults.filter((d) => !have.has(`${d.assetId}\u0000${d.signal}`));
      if (!missing.length) return 0;
      const added = await db
        .insert(alertRules)
        .values(
          missing.map((d) => ({
            ...d,
            priority: d.priority ?? priorityOfSeverity(d.severity),
            deadband: d.deadband ?? 0,
            minDurationMs: d.minDurationMs ?? 0,
            updatedBy: 'defaults',
          })),
        )
        .onConflictDoNothing()
        .returning({ id: alertRules.id });
      return added.length;
    },

    async listRules(assetId?: string): Promise<AlertRule[]> {
      const rows = await db
        .select()
        .from(alertRules)
        .where(assetId ? eq(alertRules.assetId, assetId) : undefined)
        .orderBy(alertRules.assetId, alertRules.signal, alertRules.severity);
      return rows.map(toRule);
    },

    async getRule(id: string): Promise<AlertRule | null> {
      const [row] = await db.select().from(alertRules).where(eq(alertRules.id, id));
      return row ? toRule(row) : null;
    },

    /** Null when there is no such rule. Throws a unique violation (23505) on a severity clash. */
    async updateRule(id: string, changes: RuleChanges, by: string): Promise<AlertRule | null> {
      const [row] = await db
        .update(alertRules)
        .set({ ...changes, updatedAt: new Date(), updatedBy: by })
        .where(eq(alertRules.id, id))
        .returning();
      return row ? toRule(row) : null;
    },

    async setShelvedUntil(id: string, until: number | null, by: string): Promise<AlertRule | null> {
      const [row] = await db
        .update(alertRules)
        .set({ shelvedUntil: until === null ? null : new Date(until), updatedAt: new Date(), updatedBy: by })
        .where(eq(alertRules.id, id))
        .returning();
      return row ? toRule(row) : null;
    },
  };
}
