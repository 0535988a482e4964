/**
 * Alert rules, alarms (ISA-18.2 states) and the alarm journal. Returns domain types (epoch ms
 * times), never rows. The partial unique index `alerts_one_open_per_rule_idx` is the last word on
 * "one open alarm per rule": `openAlert` inserts with ON CONFLICT DO NOTHING and says when another
 * open alarm was already there.
 *
 * Every state change goes through `transition`: one UPDATE guarded by the states it may start
 * from, and the journal row of that change, in one transaction. A guard that no longer holds (a
 * concurrent change got there first) changes nothing and journals nothing.
 */
import { and, desc, eq, gte, inArray, lt, lte, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import {
  priorityOfSeverity,
  type AlarmPriority,
  type AlertEvent,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
  type JournalEntry,
  type JournalEvent,
  type OutOfService,
  type RuleChanges,
} from '../alerts/types';
import type { Db } from './client';
import { alarmJournal, alarmOutOfService, alertRules, alerts } from './schema';

type RuleRow = typeof alertRules.$inferSelect;
type AlertRow = typeof alerts.$inferSelect;
type JournalRow = typeof alarmJournal.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const ms = (d: Date | null) => (d ? d.getTime() : null);

function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    assetId: r.assetId,
    signal: r.signal,
    severity: r.severity,
    priority: r.priority,
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
    priority: r.priority,
    direction: r.direction,
    limit: r.limitValue,
    value: r.value,
    peak: r.peak,
    state: r.state,
    raisedAt: r.raisedAt.getTime(),
    acknowledgedAt: ms(r.acknowledgedAt),
    acknowledgedBy: r.acknowledgedBy,
    ackComment: r.ackComment,
    returnedAt: ms(r.returnedAt),
    clearedAt: ms(r.clearedAt),
    shelf:
      r.state === 'shelved' || (r.state === 'out_of_service' && r.stateBeforeOos === 'shelved')
        ? {
            kind: r.shelfKind ?? 'one_shot',
            until: ms(r.shelvedUntil),
            by: r.shelvedBy ?? '',
            reason: r.shelveReason ?? '',
          }
        : null,
  };
}

function toEntry(r: JournalRow): JournalEntry {
  return {
    id: r.id,
    alarmId: r.alarmId,
    ruleId: r.ruleId,
    assetId: r.assetId,
    signal: r.signal,
    priority: r.priority,
    event: r.event,
    stateAfter: r.stateAfter,
    who: r.who,
    comment: r.comment,
    at: r.at.getTime(),
  };
}

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

export interface NewAlert {
  ruleId: string;
  assetId: string;
  signal: string;
  severity: AlertSeverity;
  /** Default: from the severity. */
  priority?: AlarmPriority;
  direction: 'low' | 'high';
  limit: number;
  value: number;
  raisedAt: number;
}

/** Open states an operator sees (the default list and the badge's store). */
const OPERATOR_STATES: AlertState[] = ['active_unacked', 'active_acked', 'rtn_unacked'];
const UNACKED: AlertState[] = ['active_unacked', 'rtn_unacked'];

export interface AlertQuery {
  /**
   * `open` = what operators see (active_unacked, active_acked, rtn_unacked); `unacked` =
   * active_unacked + rtn_unacked; `any_open` = every state but normal; `visible` = every state
   * but shelved and out of service (the operator's default list); or one state.
   */
  state?: AlertState | 'open' | 'unacked' | 'any_open' | 'visible';
  assetId?: string;
  ruleId?: string;
  severity?: AlertSeverity;
  priority?: AlarmPriority;
  /** Only alerts with a smaller id (the previous page's last id). */
  before?: number;
  limit?: number;
}

export interface JournalQuery {
  assetId?: string;
  ruleId?: string;
  priority?: AlarmPriority;
  event?: JournalEvent;
  /** Epoch ms, inclusive. */
  from?: number;
  to?: number;
  /** Only entries with a smaller id (the previous page's `nextCursor`). */
  cursor?: number;
  limit?: number;
}

/** One guarded state change with its journal row. */
interface Transition {
  from: AlertState[];
  set: Partial<typeof alerts.$inferInsert> | Record<string, SQL | unknown>;
  event: JournalEvent;
  who: string;
  comment?: string | null;
  at: number;
  /** Extra condition on the row (e.g. a timed shelf that ran out). */
  where?: SQL;
}

async function journal(tx: Tx | Db, a: AlertRow, t: Pick<Transition, 'event' | 'who' | 'comment' | 'at'>) {
  await tx.insert(alarmJournal).values({
    alarmId: a.id,
    ruleId: a.ruleId,
    assetId: a.assetId,
    signal: a.signal,
    priority: a.priority,
    event: t.event,
    stateAfter: a.state,
    who: t.who,
    comment: t.comment ?? null,
    at: new Date(t.at),
  });
}

async function transitionIn(tx: Tx, id: number, t: Transition): Promise<AlertRow | null> {
  const [row] = await tx
    .update(alerts)
    .set(t.set as Partial<typeof alerts.$inferInsert>)
    .where(and(eq(alerts.id, id), inArray(alerts.state, t.from), t.where))
    .returning();
  if (!row) return null;
  await journal(tx, row, t);
  return row;
}

export function alertsRepo(db: Db) {
  const transition = async (id: number, t: Transition): Promise<AlertEvent | null> => {
    const row = await db.transaction((tx) => transitionIn(tx, id, t));
    return row ? toAlert(row) : null;
  };
  /** The first of several transitions whose guard holds (each its own transaction). */
  const firstOf = async (id: number, ts: Transition[]): Promise<AlertEvent | null> => {
    for (const t of ts) {
      const done = await transition(id, t);
      if (done) return done;
    }
    return null;
  };
  const noShelf = { shelfKind: null, shelvedUntil: null, shelvedBy: null, shelveReason: null };

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

    /** The new alarm (active_unacked, journaled `raised`), or null when the rule already has an open one. */
    async openAlert(a: NewAlert): Promise<AlertEvent | null> {
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(alerts)
          .values({
            ruleId: a.ruleId,
            assetId: a.assetId,
            signal: a.signal,
            severity: a.severity,
            priority: a.priority ?? priorityOfSeverity(a.severity),
            direction: a.direction,
            limitValue: a.limit,
            value: a.value,
            peak: a.value,
            state: 'active_unacked',
            raisedAt: new Date(a.raisedAt),
          })
          .onConflictDoNothing()
          .returning();
        if (inserted) await journal(tx, inserted, { event: 'raised', who: 'system', at: a.raisedAt });
        return inserted ?? null;
      });
      return row ? toAlert(row) : null;
    },

    /**
     * The condition came back while the alarm waited for acknowledgement (rtn_unacked): the same
     * alarm is active and unacknowledged again (ISA-18.2), with the new breach's values.
     */
    reactivate(
      id: number,
      b: { direction: 'low' | 'high'; limit: number; value: number; at: number },
    ): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['rtn_unacked'],
        set: {
          state: 'active_unacked',
          direction: b.direction,
          limitValue: b.limit,
          value: b.value,
          peak: b.value,
          returnedAt: null,
        },
        event: 'raised',
        who: 'system',
        at: b.at,
      });
    },

    /**
     * active_unacked -> active_acked; rtn_unacked -> normal (acknowledging an alarm that already
     * returned closes it). Null when the alarm is in neither state.
     */
    acknowledge(id: number, by: string, comment: string | null, at: number): Promise<AlertEvent | null> {
      const ack = { acknowledgedAt: new Date(at), acknowledgedBy: by, ackComment: comment };
      return firstOf(id, [
        {
          from: ['active_unacked'],
          set: { ...ack, state: 'active_acked' },
          event: 'acknowledged',
          who: by,
          comment,
          at,
        },
        {
          from: ['rtn_unacked'],
          set: { ...ack, state: 'normal', clearedAt: new Date(at) },
          event: 'acknowledged',
          who: by,
          comment,
          at,
        },
      ]);
    },

    /**
     * The condition returned to normal at `at` (point time), with the alarm's peak:
     * active_unacked -> rtn_unacked (`returned`: stays until acknowledged); active_acked or shelved
     * -> normal (`cleared`; a shelf ends with the condition). Null when none applies.
     */
    clear(id: number, at: number, peak: number): Promise<AlertEvent | null> {
      const when = new Date(at);
      return firstOf(id, [
        {
          from: ['active_unacked'],
          set: { state: 'rtn_unacked', returnedAt: when, peak },
          event: 'returned',
          who: 'system',
          at,
        },
        {
          from: ['active_acked', 'shelved'],
          set: { state: 'normal', returnedAt: when, clearedAt: when, peak, ...noShelf },
          event: 'cleared',
          who: 'system',
          at,
        },
      ]);
    },

    /** An active alarm onto the shelf: one-shot (until null) or timed. Null when not active. */
    shelve(
      id: number,
      s: { kind: 'one_shot' | 'timed'; until: number | null; by: string; reason: string; at: number },
    ): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['active_unacked', 'active_acked'],
        set: {
          state: 'shelved',
          shelfKind: s.kind,
          shelvedUntil: s.until === null ? null : new Date(s.until),
          shelvedBy: s.by,
          shelveReason: s.reason,
        },
        event: 'shelved',
        who: s.by,
        comment: s.reason,
        at: s.at,
      });
    },

    /** A manual unshelve: the condition is still active (a return to normal closes a shelved alarm), acknowledged. */
    unshelve(id: number, by: string, comment: string | null, at: number): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['shelved'],
        set: { state: 'active_acked', ...noShelf },
        event: 'unshelved',
        who: by,
        comment,
        at,
      });
    },

    /** A timed shelf that ran out by `at`: back to active_unacked (ISA-18.2: it must be seen again). */
    expireShelf(id: number, at: number): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['shelved'],
        set: { state: 'active_unacked', ...noShelf },
        event: 'shelf_expired',
        who: 'system',
        at,
        where: and(eq(alerts.shelfKind, 'timed'), lte(alerts.shelvedUntil, new Date(at))),
      });
    },

    /** Timed shelves that have run out by `at`. */
    async listExpiredShelves(at: number): Promise<AlertEvent[]> {
      const rows = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.state, 'shelved'), eq(alerts.shelfKind, 'timed'), lte(alerts.shelvedUntil, new Date(at))));
      return rows.map(toAlert);
    },

    /**
     * Takes a rule or an asset out of service and, in the same transaction, every open alarm of
     * it (remembering the state to go back to). Null when it already was out of service.
     */
    async takeOutOfService(entry: OutOfService): Promise<{ entry: OutOfService; alarms: AlertEvent[] } | null> {
      return db.transaction(async (tx) => {
        const [added] = await tx
          .insert(alarmOutOfService)
          .values({ ...entry, since: new Date(entry.since) })
          .onConflictDoNothing()
          .returning();
        if (!added) return null;
        const col = entry.scope === 'rule' ? alerts.ruleId : alerts.assetId;
        const affected = await tx
          .select({ id: alerts.id })
          .from(alerts)
          .where(and(eq(col, entry.target), ne(alerts.state, 'normal'), ne(alerts.state, 'out_of_service')));
        const rows: AlertRow[] = [];
        for (const { id } of affected) {
          const row = await transitionIn(tx, id, {
            from: ['active_unacked', 'active_acked', 'rtn_unacked', 'shelved'],
            set: { state: 'out_of_service', stateBeforeOos: sql`${alerts.state}` },
            event: 'out_of_service',
            who: entry.by,
            comment: entry.reason,
            at: entry.since,
          });
          if (row) rows.push(row);
        }
        return { entry, alarms: rows.map(toAlert) };
      });
    },

    /**
     * Returns a rule or an asset to service: its alarms go back to the state they had, unless the
     * other scope (the asset of a rule, or a rule of the asset) still keeps them out. Null when it
     * was not out of service.
     */
    async returnToService(
      scope: 'rule' | 'asset',
      target: string,
      by: string,
      comment: string | null,
      at: number,
    ): Promise<AlertEvent[] | null> {
      return db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(alarmOutOfService)
          .where(and(eq(alarmOutOfService.scope, scope), eq(alarmOutOfService.target, target)))
          .returning();
        if (!gone) return null;
        const col = scope === 'rule' ? alerts.ruleId : alerts.assetId;
        const stillOut = sql`exists (select 1 from ${alarmOutOfService} o where (o.scope = 'rule' and o.target = ${alerts.ruleId}::text) or (o.scope = 'asset' and o.target = ${alerts.assetId}))`;
        const affected = await tx
          .select({ id: alerts.id })
          .from(alerts)
          .where(and(eq(col, target), eq(alerts.state, 'out_of_service'), sql`not ${stillOut}`));
        const rows: AlertRow[] = [];
        for (const { id } of affected) {
          const row = await transitionIn(tx, id, {
            from: ['out_of_service'],
            set: { state: sql`coalesce(${alerts.stateBeforeOos}, 'active_unacked')`, stateBeforeOos: null },
            event: 'returned_to_service',
            who: by,
            comment,
            at,
          });
          if (row) rows.push(row);
        }
        return rows.map(toAlert);
      });
    },

    async listOutOfService(): Promise<OutOfService[]> {
      const rows = await db.select().from(alarmOutOfService).orderBy(desc(alarmOutOfService.since));
      return rows.map((r) => ({
        scope: r.scope,
        target: r.target,
        reason: r.reason,
        by: r.by,
        since: r.since.getTime(),
      }));
    },

    async get(id: number): Promise<AlertEvent | null> {
      const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
      return row ? toAlert(row) : null;
    },

    /** Every alarm not closed (any state but normal), for the engine's restart. */
    async listOpen(): Promise<AlertEvent[]> {
      const rows = await db.select().from(alerts).where(ne(alerts.state, 'normal')).orderBy(desc(alerts.id));
      return rows.map(toAlert);
    },

    /** Newest first (by id: the order the console raised them), filtered, at most 1,000. */
    async list(q: AlertQuery = {}): Promise<AlertEvent[]> {
      const where: SQL[] = [];
      if (q.state === 'open') where.push(inArray(alerts.state, OPERATOR_STATES));
      else if (q.state === 'unacked') where.push(inArray(alerts.state, UNACKED));
      else if (q.state === 'any_open') where.push(ne(alerts.state, 'normal'));
      else if (q.state === 'visible') where.push(notInArray(alerts.state, ['shelved', 'out_of_service']));
      else if (q.state) where.push(eq(alerts.state, q.state));
      if (q.assetId) where.push(eq(alerts.assetId, q.assetId));
      if (q.ruleId) where.push(eq(alerts.ruleId, q.ruleId));
      if (q.severity) where.push(eq(alerts.severity, q.severity));
      if (q.priority) where.push(eq(alerts.priority, q.priority));
      if (q.before !== undefined) where.push(lt(alerts.id, q.before));
      const rows = await db
        .select()
        .from(alerts)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(alerts.id))
        .limit(Math.min(Math.max(q.limit ?? 100, 1), 1000));
      return rows.map(toAlert);
    },

    /** The journal, newest first (by id), filtered, at most 1,000 a page. */
    async journal(q: JournalQuery = {}): Promise<JournalEntry[]> {
      const where: SQL[] = [];
      if (q.assetId) where.push(eq(alarmJournal.assetId, q.assetId));
      if (q.ruleId) where.push(eq(alarmJournal.ruleId, q.ruleId));
      if (q.priority) where.push(eq(alarmJournal.priority, q.priority));
      if (q.event) where.push(eq(alarmJournal.event, q.event));
      if (q.from !== undefined) where.push(gte(alarmJournal.at, new Date(q.from)));
      if (q.to !== undefined) where.push(lte(alarmJournal.at, new Date(q.to)));
      if (q.cursor !== undefined) where.push(lt(alarmJournal.id, q.cursor));
      const rows = await db
        .select()
        .from(alarmJournal)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(alarmJournal.id))
        .limit(Math.min(Math.max(q.limit ?? 100, 1), 1000));
      return rows.map(toEntry);
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
