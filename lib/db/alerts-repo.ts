/**
 * Alert rules, alarms (ISA-18.2 states) and the alarm journal. Returns domain types (epoch ms
 * times), never rows. The partial unique index `alerts_one_open_per_rule_idx` is the last word on
 * "one open alarm per rule": `openAlert` inserts with ON CONFLICT DO NOTHING and says when another
 * open alarm was already there.
 *
 * Every state change goes through `transition`: one UPDATE guarded by the states it may start
 * from, and the journal row of that change, in one transaction. A guard that no longer holds (a
 * concurrent change got there first) changes nothing and journals nothing.
 *
 * The work is split by job: rules (alert-rules-repo), an alarm's transitions (alarm-state-repo),
 * out of service (alarm-oos-repo) and reading (alarm-queries-repo); this is their one face.
 */
import { alarmOutOfServiceRepo } from './alarm-oos-repo';
import { alarmQueriesRepo } from './alarm-queries-repo';
import { alarmStateRepo } from './alarm-state-repo';
import { alertRulesRepo } from './alert-rules-repo';
import type { Db } from './client';

export type { NewRule } from './alert-rules-repo';
export type { NewAlert } from './alarm-state-repo';
export type { AlertQuery, JournalQuery } from './alarm-queries-repo';

export function alertsRepo(db: Db) {
  return { ...alertRulesRepo(db), ...alarmStateRepo(db), ...alarmOutOfServiceRepo(db), ...alarmQueriesRepo(db) };
}

export type AlertsRepo = ReturnType<typeof alertsRepo>;

/** PostgreSQL's unique_violation, whichever driver (pg or PGlite) raised it. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
