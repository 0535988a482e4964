/**
 * The alarm tables (ISA-18.2): rules, alarms with their states and priorities, the journal of
 * every transition and what is out of service. Part of the schema (schema.ts re-exports it).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AlarmPriority, AlertSeverity, AlertState, JournalEvent } from '../alerts/alarm-vocabulary';

export {
  ALARM_PRIORITIES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  JOURNAL_EVENTS,
  type AlarmPriority,
  type AlertSeverity,
  type AlertState,
  type JournalEvent,
} from '../alerts/alarm-vocabulary';
/** What a rule watches: the model's prediction or one of the readings' signals by name. */
export type AlertSignal = string;

/**
 * Limit rules, one per asset, signal and severity. A value below `low` or above `high` for at
 * least `minDurationMs` raises an alert; it clears once back inside the limits by `deadband`.
 * Defaults are seeded from twin.json (prediction) and the valid ranges (sensors).
 */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assetId: text('asset_id').notNull(),
    signal: text('signal').$type<AlertSignal>().notNull(),
    severity: text('severity').$type<AlertSeverity>().notNull().default('warning'),
    low: doublePrecision('low'),
    high: doublePrecision('high'),
    deadband: doublePrecision('deadband').notNull().default(0),
    minDurationMs: integer('min_duration_ms').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    /** Shelved: evaluated but raises nothing until this time. */
    shelvedUntil: timestamp('shelved_until', { withTimezone: true }),
    /**
     * ISA-18.2 priority, copied onto each alarm; orders the banner and the list. Seeded from the
     * severity (critical -> high, warning -> medium), then edited on its own.
     */
    priority: text('priority').$type<AlarmPriority>().notNull().default('medium'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    uniqueIndex('alert_rules_asset_signal_severity_idx').on(t.assetId, t.signal, t.severity),
    check('alert_rules_severity_check', sql`${t.severity} in ('warning', 'critical')`),
    check('alert_rules_priority_check', sql`${t.priority} in ('low', 'medium', 'high', 'urgent')`),
  ],
);

/**
 * Alarms raised by rules (ISA-18.2 states, see ALERT_STATES). The partial unique index keeps at
 * most one open (not `normal`) alarm per rule and asset, whatever the concurrency.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    assetId: text('asset_id').notNull(),
    signal: text('signal').notNull(),
    severity: text('severity').$type<AlertSeverity>().notNull(),
    priority: text('priority').$type<AlarmPriority>().notNull().default('medium'),
    /** Which limit was broken. */
    direction: text('direction').$type<'low' | 'high'>().notNull(),
    limitValue: doublePrecision('limit_value').notNull(),
    /** The value that raised it, and the furthest past the limit while open. */
    value: doublePrecision('value').notNull(),
    peak: doublePrecision('peak').notNull(),
    state: text('state').$type<AlertState>().notNull().default('active_unacked'),
    raisedAt: timestamp('raised_at', { withTimezone: true, precision: 3 }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    ackComment: text('ack_comment'),
    /** When the condition last returned to normal (point time); null while active. */
    returnedAt: timestamp('returned_at', { withTimezone: true, precision: 3 }),
    /** When the alarm closed (state `normal`). */
    clearedAt: timestamp('cleared_at', { withTimezone: true, precision: 3 }),
    /** Shelving of this alarm: `one_shot` (until it returns to normal) or `timed` (until `shelved_until`). */
    shelfKind: text('shelf_kind').$type<'one_shot' | 'timed'>(),
    shelvedUntil: timestamp('shelved_until', { withTimezone: true, precision: 3 }),
    shelvedBy: text('shelved_by'),
    shelveReason: text('shelve_reason'),
    /** The state to go back to when the rule or asset returns to service. */
    stateBeforeOos: text('state_before_oos').$type<AlertState>(),
    /** The state to go back to when the asset's source sends data again (suppressed by design). */
    stateBeforeSuppression: text('state_before_suppression').$type<AlertState>(),
  },
  (t) => [
    uniqueIndex('alerts_one_open_per_rule_idx')
      .on(t.ruleId, t.assetId)
      .where(sql`${t.state} <> 'normal'`),
    index('alerts_raised_idx').on(t.raisedAt),
    index('alerts_asset_raised_idx').on(t.assetId, t.raisedAt),
    check(
      'alerts_state_check',
      sql`${t.state} in ('active_unacked', 'active_acked', 'rtn_unacked', 'shelved', 'out_of_service', 'suppressed', 'normal')`,
    ),
    check('alerts_priority_check', sql`${t.priority} in ('low', 'medium', 'high', 'urgent')`),
  ],
);

/**
 * The alarm journal: one row per state transition of an alarm, written in the same transaction
 * as the change (lib/db/alerts-repo.ts). Never updated; the record of a shift.
 */
export const alarmJournal = pgTable(
  'alarm_journal',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alarmId: bigint('alarm_id', { mode: 'number' })
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').notNull(),
    assetId: text('asset_id').notNull(),
    signal: text('signal').notNull(),
    priority: text('priority').$type<AlarmPriority>().notNull(),
    event: text('event').$type<JournalEvent>().notNull(),
    stateAfter: text('state_after').$type<AlertState>().notNull(),
    /** A user name, or 'system' (the engine). */
    who: text('who').notNull(),
    comment: text('comment'),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    index('alarm_journal_at_idx').on(t.at, t.id),
    index('alarm_journal_asset_at_idx').on(t.assetId, t.at),
    index('alarm_journal_alarm_idx').on(t.alarmId),
  ],
);

/**
 * Rules and whole assets an admin took out of service (maintenance, instrument fault): nothing is
 * raised for them and their alarms are hidden from operators until they return to service.
 */
export const alarmOutOfService = pgTable(
  'alarm_out_of_service',
  {
    scope: text('scope').$type<'rule' | 'asset'>().notNull(),
    /** The rule id or the asset id. */
    target: text('target').notNull(),
    reason: text('reason').notNull(),
    by: text('by').notNull(),
    since: timestamp('since', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'alarm_out_of_service_pk', columns: [t.scope, t.target] }),
    check('alarm_out_of_service_scope_check', sql`${t.scope} in ('rule', 'asset')`),
  ],
);
