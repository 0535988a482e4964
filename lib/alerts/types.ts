/**
 * Domain types of alerting, shared by the engine, the repository, the API and the browser
 * (types only). Times are epoch milliseconds (UTC).
 */
import type { AlertEvent } from '../realtime/protocol';
import type { AlarmPriority, AlertSeverity, AlertState, JournalEvent } from './alarm-vocabulary';

// The vocabulary has one home (imports nothing, so the browser bundle may take it from here too).
export {
  ALARM_PRIORITIES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  JOURNAL_EVENTS,
  type AlarmPriority,
  type AlertSeverity,
  type AlertState,
  type JournalEvent,
} from './alarm-vocabulary';
export type { AlertEvent };
export type AlertDirection = 'low' | 'high';

/** Higher is more urgent: the banner and the list order by it, then by time. */
export const PRIORITY_RANK: Record<AlarmPriority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/** The priority a rule gets when none is chosen: from its severity. */
export const priorityOfSeverity = (s: AlertSeverity): AlarmPriority => (s === 'critical' ? 'high' : 'medium');

/** States that wait for an operator's acknowledgement: what the header badge counts. */
export const UNACKED_STATES: readonly AlertState[] = ['active_unacked', 'rtn_unacked'];
/** What the operator's default list (and the badge's store) shows: not shelved, out of service, suppressed or closed. */
export const OPERATOR_STATES: readonly AlertState[] = ['active_unacked', 'active_acked', 'rtn_unacked'];

/** Priority first, then newest first. */
export function byPriorityThenTime(a: AlertEvent, b: AlertEvent): number {
  return PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || b.raisedAt - a.raisedAt || b.id - a.id;
}

/** One row of the alarm journal. */
export interface JournalEntry {
  id: number;
  alarmId: number;
  ruleId: string;
  assetId: string;
  signal: string;
  priority: AlarmPriority;
  event: JournalEvent;
  stateAfter: AlertState;
  who: string;
  comment: string | null;
  at: number;
}

/** A rule or an asset taken out of service. */
export interface OutOfService {
  scope: 'rule' | 'asset';
  target: string;
  reason: string;
  by: string;
  since: number;
}

/** The rules' name for the model's output; every other signal is a reading's feature name. */
export const PREDICTION_SIGNAL = 'prediction';

/** A limit rule of one asset's signal. A null limit is not checked. */
export interface AlertRule {
  id: string;
  assetId: string;
  signal: string;
  severity: AlertSeverity;
  priority: AlarmPriority;
  low: number | null;
  high: number | null;
  /** Once raised, the value must come back inside [low + deadband, high - deadband] to clear. */
  deadband: number;
  /** A breach must last this long (point time) before it raises. */
  minDurationMs: number;
  enabled: boolean;
  /** Raises nothing until then (epoch ms); null when not shelved. */
  shelvedUntil: number | null;
  updatedAt: number;
  updatedBy: string | null;
}

/** What an operator can change on a rule. */
export type RuleChanges = Partial<
  Pick<AlertRule, 'severity' | 'priority' | 'low' | 'high' | 'deadband' | 'minDurationMs' | 'enabled'>
>;
