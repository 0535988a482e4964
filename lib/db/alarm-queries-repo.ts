/** Reading alarms and the journal: one alarm, the open ones, filtered lists, journal pages. */
import { and, desc, eq, gte, inArray, lt, lte, ne, notInArray, type SQL } from 'drizzle-orm';
import type { AlarmPriority, AlertEvent, AlertSeverity, AlertState, JournalEntry, JournalEvent } from '../alerts/types';
import { toAlert, toEntry } from './alarm-rows';
import type { Db } from './client';
import { alarmJournal, alerts } from './schema';

/** Open states an operator sees (the default list and the badge's store). */
const OPERATOR_STATES: AlertState[] = ['active_unacked', 'active_acked', 'rtn_unacked'];
const UNACKED: AlertState[] = ['active_unacked', 'rtn_unacked'];

export interface AlertQuery {
  /**
   * `open` = what operators see (active_unacked, active_acked, rtn_unacked); `unacked` =
   * active_unacked + rtn_unacked; `any_open` = every state but normal; `visible` = every state
   * but shelved, out of service and suppressed (the operator's default list); or one state.
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

export function alarmQueriesRepo(db: Db) {
  return {
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
      else if (q.state === 'visible') where.push(notInArray(alerts.state, ['shelved', 'out_of_service', 'suppressed']));
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
