/**
 * Rule administration: the default rules, checking a rule, editing one and shelving a whole rule
 * (the coarse, older tool: no new alarms for a time). Audited; the engine evaluates the changed
 * rule from its next point.
 */
import { isUniqueViolation, type NewRule } from '../db/alerts-repo';
import type { SignalInfo } from '../twin/types';
import type { Actor, AlarmEngine } from './alarm-engine';
import { AlertConflictError, AlertNotFoundError, RuleValidationError } from './errors';
import { MAX_MIN_DURATION_MS } from './limits';
import { PREDICTION_SIGNAL, type AlertRule, type RuleChanges } from './types';

/**
 * Default rules for assets without any: the prediction within the model's `alerts` limits
 * (twin.json, warning), every sensor within its valid range (critical: outside it the model cannot
 * predict). A deadband of 1 % of the span and 5 s of minimum duration keep noise from flapping.
 */
export function defaultRules(
  assetIds: string[],
  signals: SignalInfo[],
  targetLimits: { low: number; high: number } | null,
): NewRule[] {
  const base = [
    ...(targetLimits ? [{ signal: PREDICTION_SIGNAL, severity: 'warning' as const, ...targetLimits }] : []),
    ...signals.map((s) => ({ signal: s.name, severity: 'critical' as const, low: s.min, high: s.max })),
  ];
  return assetIds.flatMap((assetId) =>
    base.map((b) => ({ assetId, ...b, deadband: round((b.high - b.low) * 0.01), minDurationMs: 5_000 })),
  );
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Checks a rule as it would be after a change; throws naming the field. */
export function validateRule(r: Pick<AlertRule, 'low' | 'high' | 'deadband' | 'minDurationMs'>): void {
  if (r.low === null && r.high === null) throw new RuleValidationError('high', 'set at least one of low and high');
  if (r.low !== null && r.high !== null && !(r.low < r.high))
    throw new RuleValidationError('high', `high (${r.high}) must be above low (${r.low})`);
  if (!(r.deadband >= 0)) throw new RuleValidationError('deadband', 'deadband must be 0 or more');
  if (r.low !== null && r.high !== null && r.deadband * 2 >= r.high - r.low) {
    throw new RuleValidationError(
      'deadband',
      `deadband must be less than half of high - low (${(r.high - r.low) / 2}), or an alert could never clear`,
    );
  }
  if (!Number.isInteger(r.minDurationMs) || r.minDurationMs < 0 || r.minDurationMs > MAX_MIN_DURATION_MS) {
    throw new RuleValidationError(
      'minDurationMs',
      `minDurationMs must be a whole number from 0 to ${MAX_MIN_DURATION_MS}`,
    );
  }
}

/** Changes a rule; effective for the next point. */
export async function updateRule(
  engine: AlarmEngine,
  id: string,
  changes: RuleChanges,
  actor: Actor,
): Promise<AlertRule> {
  const current = engine.tracked.get(id)?.rule ?? (await engine.opts.repo.getRule(id));
  if (!current) throw new AlertNotFoundError(`alert rule ${id}`);
  validateRule({ ...current, ...changes });
  let updated: AlertRule | null;
  try {
    updated = await engine.opts.repo.updateRule(id, changes, actor.username);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AlertConflictError(
        'severity_taken',
        `${current.assetId} ${current.signal} already has a ${changes.severity ?? current.severity} rule`,
      );
    throw err;
  }
  if (!updated) throw new AlertNotFoundError(`alert rule ${id}`);
  engine.replaceRule(updated);
  await engine.audit({
    actor,
    action: 'alert_rule.update',
    target: ruleName(updated),
    details: { ruleId: id, changes, before: pick(current, Object.keys(changes)) },
  });
  return updated;
}

/** Shelves a rule for `minutes` (raises nothing meanwhile), or unshelves it with null. */
export async function shelveRule(
  engine: AlarmEngine,
  id: string,
  minutes: number | null,
  actor: Actor,
): Promise<AlertRule> {
  const until = minutes === null ? null : engine.now() + minutes * 60_000;
  const updated = await engine.opts.repo.setShelvedUntil(id, until, actor.username);
  if (!updated) throw new AlertNotFoundError(`alert rule ${id}`);
  engine.replaceRule(updated);
  await engine.audit({
    actor,
    action: minutes === null ? 'alert_rule.unshelve' : 'alert_rule.shelve',
    target: ruleName(updated),
    details: { ruleId: id, ...(until !== null ? { minutes, until: new Date(until).toISOString() } : {}) },
  });
  return updated;
}

const ruleName = (r: AlertRule) => `${r.assetId}/${r.signal}/${r.severity}`;

function pick<T extends object>(o: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
}
