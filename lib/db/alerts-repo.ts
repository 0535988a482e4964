/**
 * Alert rules and alerts. Returns domain types (epoch ms times), never rows. The partial unique
 * index `alerts_one_open_per_rule_idx` is the last word on "one open alert per rule": `openAlert`
 * inserts with ON CONFLICT DO NOTHING and says when another open alert was already there.
 */
import { and, desc, eq, lt, ne, type SQL } from 'drizzle-orm';
import type { AlertEvent, AlertRule, AlertSeverity, AlertState, RuleChanges } from '../alerts/types';
import type { Db } from './client';
import { alertRules, alerts } from './schema';

type RuleRow = typeof alertRules.$inferSelect;
type AlertRow = typeof alerts.$inferSelect;

const ms = (d: Date | null) => (d ? d.getTime() : null);

function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    assetId: r.assetId,
    signal: r.signal,
    severity: r.severity,
    low: r.low,
    high: r.high,
    deadband: r.deadband,
    minDurationMs: r.minDurationMs,
    enabled: r.enabled,
    shelvedUntil: ms(r.shelvedUntil),
    updatedAt: r.updatedAt.getTime(),
    updatedBy: r.updatedBy,
  };
}

function toAlert(r: AlertRow): AlertEvent {
  return {
    id: r.id,
    ruleId: r.ruleId,
    assetId: r.assetId,
    signal: r.signal,
    severity: r.severity,
    direction: r.direction,
    limit: r.limitValue,
    value: r.value,
    peak: r.peak,
    state: r.state,
    raisedAt: r.raisedAt.getTime(),
    acknowledgedAt: ms(r.acknowledgedAt),
    acknowledgedBy: r.acknowledgedBy,
    ackComment: r.ackComment,
    clearedAt: ms(r.clearedAt),
  };
}

export interface NewRule {
  assetId: string;
  signal: string;
  severity: AlertSeverity;
  low: number | null;
  high: number | null;
  deadband?: number;
  minDurationMs?: number;
  /** Default true. */
  enabled?: boolean;
}

export interface NewAlert {
  ruleId: string;
  assetId: string;
  signal: string;
  severity: AlertSeverity;
  direction: 'low' | 'high';
  limit: number;
  value: number;
  raisedAt: number;
}

export interface AlertQuery {
  /** `open` = active or acknowledged. */
  state?: AlertState | 'open';
  assetId?: string;
  severity?: AlertSeverity;
  /** Only alerts with a smaller id (the previous page's last id). */
  before?: number;
  limit?: number;
}

export function alertsRepo(db: Db) {
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

    /** The new alert, or null when the rule already has an open one (unique index). */
    async openAlert(a: NewAlert): Promise<AlertEvent | null> {
      const [row] = await db
        .insert(alerts)
        .values({
          ruleId: a.ruleId,
          assetId: a.assetId,
          signal: a.signal,
          severity: a.severity,
          direction: a.direction,
          limitValue: a.limit,
          value: a.value,
          peak: a.value,
          state: 'active',
          raisedAt: new Date(a.raisedAt),
        })
        .onConflictDoNothing()
        .returning();
      return row ? toAlert(row) : null;
    },

    /** Active -> acknowledged; null when the alert is not active (unknown, acknowledged or cleared). */
    async acknowledge(id: number, by: string, comment: string | null, at: number): Promise<AlertEvent | null> {
      const [row] = await db
        .update(alerts)
        .set({ state: 'acknowledged', acknowledgedAt: new Date(at), acknowledgedBy: by, ackComment: comment })
        .where(and(eq(alerts.id, id), eq(alerts.state, 'active')))
        .returning();
      return row ? toAlert(row) : null;
    },

    /** Open -> cleared, keeping who acknowledged it; records the peak. Null when already cleared. */
    async clear(id: number, at: number, peak: number): Promise<AlertEvent | null> {
      const [row] = await db
        .update(alerts)
        .set({ state: 'cleared', clearedAt: new Date(at), peak })
        .where(and(eq(alerts.id, id), ne(alerts.state, 'cleared')))
        .returning();
      return row ? toAlert(row) : null;
    },

    async get(id: number): Promise<AlertEvent | null> {
      const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
      return row ? toAlert(row) : null;
    },

    /** Open alerts (active or acknowledged), for the engine's restart. */
    async listOpen(): Promise<AlertEvent[]> {
      const rows = await db.select().from(alerts).where(ne(alerts.state, 'cleared')).orderBy(desc(alerts.id));
      return rows.map(toAlert);
    },

    /** Newest first (by id: the order the console raised them), filtered, at most 1,000. */
    async list(q: AlertQuery = {}): Promise<AlertEvent[]> {
      const where: SQL[] = [];
      if (q.state === 'open') where.push(ne(alerts.state, 'cleared'));
      else if (q.state) where.push(eq(alerts.state, q.state));
      if (q.assetId) where.push(eq(alerts.assetId, q.assetId));
      if (q.severity) where.push(eq(alerts.severity, q.severity));
      if (q.before !== undefined) where.push(lt(alerts.id, q.before));
      const rows = await db
        .select()
        .from(alerts)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(alerts.id))
        .limit(Math.min(Math.max(q.limit ?? 100, 1), 1000));
      return rows.map(toAlert);
    },
  };
}

export type AlertsRepo = ReturnType<typeof alertsRepo>;

/** PostgreSQL's unique_violation, whichever driver (pg or PGlite) raised it. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
