/**
 * Rule evaluation, pure: given a rule, what the engine remembers about it and one value, decide
 * whether to raise, clear or do nothing. No I/O and no clock of its own, so every edge (deadband,
 * minimum duration, shelving) is unit-testable.
 *
 * Decisions:
 * - A breach is `value < low` or `value > high`. It raises once it has lasted `minDurationMs` of
 *   point time (0: at once). A value back inside, or a breach of the other limit, restarts the timer.
 * - An open alert clears only when the value is back inside `[low + deadband, high - deadband]`,
 *   so a value hovering at a limit does not flap.
 * - A shelved rule raises nothing (and forgets a breach in progress), but an alert that was open
 *   before shelving stays open and still clears normally: shelving hides new noise, it does not
 *   rewrite what already happened.
 * - A disabled rule raises nothing and clears its open alert at the next value: the operator said
 *   the limit no longer applies.
 */
import type { AlertDirection, AlertRule } from './types';

/** The engine's memory of one rule: a breach being timed, and the open alert if any. */
export interface RuleMemory {
  pending: { direction: AlertDirection; since: number } | null;
  open: { direction: AlertDirection; limit: number; peak: number } | null;
}

export type Decision =
  | { kind: 'none' }
  | { kind: 'raise'; direction: AlertDirection; limit: number; value: number }
  | { kind: 'clear' }
  /** Still open and further past the limit than ever. */
  | { kind: 'peak'; peak: number };

export const EMPTY_MEMORY: RuleMemory = { pending: null, open: null };

/** Which limit `value` breaks, if any. */
export function breachOf(
  rule: Pick<AlertRule, 'low' | 'high'>,
  value: number,
): { direction: AlertDirection; limit: number } | null {
  if (rule.low !== null && value < rule.low) return { direction: 'low', limit: rule.low };
  if (rule.high !== null && value > rule.high) return { direction: 'high', limit: rule.high };
  return null;
}

/** Inside the limits narrowed by the deadband: where an open alert clears. */
export function insideDeadband(rule: Pick<AlertRule, 'low' | 'high' | 'deadband'>, value: number): boolean {
  if (rule.low !== null && value < rule.low + rule.deadband) return false;
  if (rule.high !== null && value > rule.high - rule.deadband) return false;
  return true;
}

export function isShelved(rule: Pick<AlertRule, 'shelvedUntil'>, now: number): boolean {
  return rule.shelvedUntil !== null && rule.shelvedUntil > now;
}

/**
 * One value of the rule's signal at point time `ts`; `now` is the wall clock (for shelving).
 * Returns the decision and the memory to keep.
 */
export function evaluate(
  rule: AlertRule,
  memory: RuleMemory,
  value: number,
  ts: number,
  now: number,
): { decision: Decision; memory: RuleMemory } {
  if (!Number.isFinite(value)) return { decision: { kind: 'none' }, memory };

  if (memory.open) {
    const open = memory.open;
    if (!rule.enabled || insideDeadband(rule, value))
      return { decision: { kind: 'clear' }, memory: { pending: null, open: null } };
    const further = open.direction === 'high' ? value > open.peak : value < open.peak;
    if (further)
      return { decision: { kind: 'peak', peak: value }, memory: { pending: null, open: { ...open, peak: value } } };
    return { decision: { kind: 'none' }, memory };
  }

  const breach = rule.enabled && !isShelved(rule, now) ? breachOf(rule, value) : null;
  if (!breach) return { decision: { kind: 'none' }, memory: memory.pending ? { pending: null, open: null } : memory };
  const since = memory.pending && memory.pending.direction === breach.direction ? memory.pending.since : ts;
  if (ts - since >= rule.minDurationMs) {
    return {
      decision: { kind: 'raise', direction: breach.direction, limit: breach.limit, value },
      memory: { pending: null, open: { direction: breach.direction, limit: breach.limit, peak: value } },
    };
  }
  return { decision: { kind: 'none' }, memory: { pending: { direction: breach.direction, since }, open: null } };
}
