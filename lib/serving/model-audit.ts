/**
 * The audit trail of model changes (upload, activation, A/B start and stop), success or refusal.
 * An audit that cannot be written is logged and never fails the change itself.
 */
import type { AuditRepo } from '../db/audit-repo';
import type { Logger } from '../log';
import { refKey, type Actor, type ModelRef } from './serving-types';

export type ModelAudit = (
  actor: Actor,
  action: string,
  ref: ModelRef | null,
  outcome: 'success' | 'failure',
  details: Record<string, unknown>,
) => Promise<void>;

/** Records model changes in `repo`. */
export function modelAudit(repo: AuditRepo, log: Logger): ModelAudit {
  return async (actor, action, ref, outcome, details) => {
    try {
      await repo.record({
        actor: actor.username,
        action,
        target: ref ? refKey(ref) : null,
        outcome,
        address: actor.address ?? null,
        details,
      });
    } catch (err) {
      log.warn({ err, action }, 'could not audit a model change');
    }
  };
}
