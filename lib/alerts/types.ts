/**
 * Domain types of alerting, shared by the engine, the repository, the API and the browser
 * (types only). Times are epoch milliseconds (UTC).
 */
import type { AlertEvent } from '../realtime/protocol';

export type { AlertEvent };
export type AlertSeverity = 'warning' | 'critical';
export type AlertDirection = 'low' | 'high';
export type AlertState = AlertEvent['state'];

/** The rules' name for the model's output; every other signal is a reading's feature name. */
export const PREDICTION_SIGNAL = 'prediction';

/** A limit rule of one asset's signal. A null limit is not checked. */
export interface AlertRule {
  id: string;
  assetId: string;
  signal: string;
  severity: AlertSeverity;
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
  Pick<AlertRule, 'severity' | 'low' | 'high' | 'deadband' | 'minDurationMs' | 'enabled'>
>;
