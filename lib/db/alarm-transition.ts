/**
 * The one way an alarm changes state: `transitionIn`, one UPDATE guarded by the states it may start
 * from, and the journal row of that change, in one transaction. A guard that no longer holds (a
 * concurrent change got there first) changes nothing and journals nothing.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { AlertEvent, AlertState, JournalEvent } from '../alerts/types';
import { toAlert, type AlertRow, type Tx } from './alarm-rows';
import type { Db } from './client';
import { alarmJournal, alerts } from './schema';

/** One guarded state change with its journal row. */
export interface Transition {
  from: AlertState[];
  set: Partial<typeof alerts.$inferInsert> | Record<string, SQL | unknown>;
  event: JournalEvent;
  who: string;
  comment?: string | null;
  at: number;
  /** Extra condition on the row (e.g. a timed shelf that ran out). */
  where?: SQL;
}

/** Writes the journal row of a change `a` went through (its state after). */
export async function journal(tx: Tx | Db, a: AlertRow, t: Pick<Transition, 'event' | 'who' | 'comment' | 'at'>) {
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

/** Applies `t` to alarm `id` inside `tx`: the changed row, or null when its guard did not hold. */
export async function transitionIn(tx: Tx, id: number, t: Transition): Promise<AlertRow | null> {
  const [row] = await tx
    .update(alerts)
    .set(t.set as Partial<typeof alerts.$inferInsert>)
    .where(and(eq(alerts.id, id), inArray(alerts.state, t.from), t.where))
    .returning();
  if (!row) return null;
  await journal(tx, row, t);
  return row;
}

/** Transitions in a transaction of their own. */
export function transitions(db: Db) {
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
  return { transition, firstOf };
}

/** The shelf columns of an alarm that is not shelved. */
export const noShelf = { shelfKind: null, shelvedUntil: null, shelvedBy: null, shelveReason: null };
