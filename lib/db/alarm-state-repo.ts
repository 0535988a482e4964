/**
 * The ISA-18.2 life of one alarm: raised (or reactivated), acknowledged, returned or cleared,
 * shelved, unshelved, shelf expired. Each change is a guarded transition with its journal row
 * (lib/db/alarm-transition.ts).
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import { priorityOfSeverity, type AlarmPriority, type AlertEvent, type AlertSeverity } from '../alerts/types';
import { toAlert } from './alarm-rows';
import { journal, noShelf, transitions } from './alarm-transition';
import type { Db } from './client';
import { alerts } from './schema';

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

export function alarmStateRepo(db: Db) {
  const { transition, firstOf } = transitions(db);
  return {
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

    /**
     * Suppressed by design (the asset's source is stale or offline): an active or shelved alarm
     * is hidden, remembering its state. A returned alarm waiting for acknowledgement is not: what
     * real data showed before the source stopped still needs an operator. Null when not applicable.
     */
    suppress(id: number, at: number, comment: string | null): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['active_unacked', 'active_acked', 'shelved'],
        set: { state: 'suppressed', stateBeforeSuppression: sql`${alerts.state}` },
        event: 'suppressed',
        who: 'system',
        comment,
        at,
      });
    },

    /** The source sends data again: the alarm goes back to the state it had (evaluated again from the next point). */
    unsuppress(id: number, at: number): Promise<AlertEvent | null> {
      return transition(id, {
        from: ['suppressed'],
        set: { state: sql`coalesce(${alerts.stateBeforeSuppression}, 'active_unacked')`, stateBeforeSuppression: null },
        event: 'unsuppressed',
        who: 'system',
        at,
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
  };
}
