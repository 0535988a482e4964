/**
 * Alarm rows as domain types (epoch ms times), for every alarm repository in lib/db: rules,
 * alarms and journal entries. Never hands a row out.
 */
import type { AlertEvent, AlertRule, JournalEntry } from '../alerts/types';
import type { Db } from './client';
import { alarmJournal, alertRules, alerts } from './schema';

export type RuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
type JournalRow = typeof alarmJournal.$inferSelect;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const ms = (d: Date | null) => (d ? d.getTime() : null);

export function toRule(r: RuleRow): AlertRule {
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

export function toAlert(r: AlertRow): AlertEvent {
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
      r.state === 'shelved' ||
      (r.state === 'out_of_service' && r.stateBeforeOos === 'shelved') ||
      (r.state === 'suppressed' && r.stateBeforeSuppression === 'shelved')
        ? {
            kind: r.shelfKind ?? 'one_shot',
            until: ms(r.shelvedUntil),
            by: r.shelvedBy ?? '',
            reason: r.shelveReason ?? '',
          }
        : null,
  };
}

export function toEntry(r: JournalRow): JournalEntry {
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
