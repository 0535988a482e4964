/**
 * Out of service (ISA-18.2): an admin takes a rule or a whole asset out of service with a reason;
 * it is not evaluated any more and its open alarms go `out_of_service` (hidden from operators,
 * listed on the out-of-service page) until it returns to service, when each goes back to the state
 * it had. Audited and journaled.
 */
import type { OutOfServiceResult } from '../db/alarm-oos-repo';
import { memoryOf, type Actor, type AlarmEngine } from './alarm-engine';
import { AlertConflictError, ShelveValidationError } from './errors';
import type { AlertEvent, OutOfService } from './types';

/** See AlertService.takeOutOfService. */
export async function takeOutOfService(
  engine: AlarmEngine,
  scope: 'rule' | 'asset',
  target: string,
  reason: string,
  actor: Actor,
): Promise<{ entry: OutOfService; alarms: AlertEvent[] }> {
  const why = reason.trim();
  if (!why) throw new ShelveValidationError('reason', 'a reason is required');
  const affected = engine.affected(scope, target);
  const set = scope === 'rule' ? engine.oosRules : engine.oosAssets;
  const already = set.has(target);
  set.add(target);
  for (const t of affected) t.memory = { pending: null, open: t.memory.open };
  let out: OutOfServiceResult | null;
  try {
    await Promise.all(affected.map((t) => t.chain));
    out = await engine.opts.repo.takeOutOfService({
      scope,
      target,
      reason: why,
      by: actor.username,
      since: engine.now(),
    });
  } catch (err) {
    // Not stored: keep evaluating it.
    if (!already) set.delete(target);
    throw err;
  }
  if (!out) {
    if (!already) set.delete(target);
    throw new AlertConflictError('already_out_of_service', `${scope} ${target} is already out of service`);
  }
  for (const a of out.alarms) {
    engine.adopt(engine.tracked.get(a.ruleId), a);
    engine.publish('out_of_service', a);
  }
  await engine.audit({
    actor,
    action: 'alarm.out_of_service',
    target: `${scope} ${target}`,
    details: { scope, target, reason: why, alarms: out.alarms.map((a) => a.id) },
  });
  return out;
}

/** See AlertService.returnToService. */
export async function returnToService(
  engine: AlarmEngine,
  scope: 'rule' | 'asset',
  target: string,
  comment: string | null,
  actor: Actor,
): Promise<AlertEvent[]> {
  const affected = engine.affected(scope, target);
  await Promise.all(affected.map((t) => t.chain));
  const back = await engine.opts.repo.returnToService(scope, target, actor.username, comment, engine.now());
  if (!back) throw new AlertConflictError('in_service', `${scope} ${target} is not out of service`);
  (scope === 'rule' ? engine.oosRules : engine.oosAssets).delete(target);
  for (const a of back) {
    const t = engine.tracked.get(a.ruleId);
    engine.adopt(t, a);
    if (t) t.memory = memoryOf(a);
    engine.publish('returned_to_service', a);
  }
  await engine.audit({
    actor,
    action: 'alarm.return_to_service',
    target: `${scope} ${target}`,
    details: { scope, target, comment, alarms: back.map((a) => a.id) },
  });
  return back;
}
