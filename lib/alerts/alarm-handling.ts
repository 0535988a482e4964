/**
 * What operators do to one alarm (ISA-18.2): acknowledge it, shelve it (one-shot or timed, up to
 * the admin's maximum), unshelve it, and the engine's clock running timed shelves out. Each runs
 * on the rule's chain of the engine (in order with the raises and clears), is journaled by the
 * repository and audited here.
 */
import { AlertConflictError, AlertNotFoundError, ShelveValidationError } from './errors';
import type { Actor, AlarmEngine, Tracked } from './alarm-engine';
import { DEFAULT_MAX_SHELVE_SECONDS, MAX_MAX_SHELVE_SECONDS, MIN_SHELVE_SECONDS } from './limits';
import type { AlertEvent } from './types';

/** The settings key of the longest timed shelf an operator may ask for (seconds). */
export const MAX_SHELVE_SETTING = 'alarms.maxShelveSeconds';

/** What an operator asks for when shelving an alarm: `durationSeconds` null is one-shot. */
export interface ShelveRequest {
  durationSeconds: number | null;
  reason: string;
}

/** Acknowledges an active alert. Unknown -> AlertNotFoundError; cleared or acknowledged -> AlertConflictError. */
export async function acknowledgeAlarm(
  engine: AlarmEngine,
  id: number,
  actor: Actor,
  comment: string | null,
): Promise<AlertEvent> {
  const t = engine.trackedWithAlarm(id);
  const ack = async () => {
    const done = await engine.opts.repo.acknowledge(id, actor.username, comment, engine.now());
    if (!done) throw await whyNotActive(engine, id);
    let shown = done;
    if (t?.alert?.id === id) {
      shown = { ...done, peak: t.alert.peak };
      t.alert = done.state === 'normal' ? null : shown;
      t.pushedAt = Date.now();
    }
    engine.publish('acknowledged', shown);
    await engine.audit({
      actor,
      action: 'alert.acknowledge',
      target: `alert ${id}`,
      details: { assetId: done.assetId, signal: done.signal, severity: done.severity, state: done.state, comment },
    });
    return shown;
  };
  return t ? engine.enqueue(t, ack) : ack();
}

async function whyNotActive(engine: AlarmEngine, id: number): Promise<Error> {
  const a = await engine.opts.repo.get(id);
  if (!a) return new AlertNotFoundError(`alert ${id}`);
  if (a.state === 'normal') return new AlertConflictError('alert_cleared', `alert ${id} is already cleared`);
  if (a.state === 'shelved') return new AlertConflictError('alarm_shelved', `alarm ${id} is shelved`);
  if (a.state === 'out_of_service') return new AlertConflictError('out_of_service', `alarm ${id} is out of service`);
  if (a.state === 'suppressed')
    return new AlertConflictError('alarm_suppressed', `alarm ${id} is suppressed: its source sends no data`);
  return new AlertConflictError(
    'already_acknowledged',
    `alert ${id} was already acknowledged by ${a.acknowledgedBy ?? 'someone'}`,
  );
}

/** The longest timed shelf an operator may ask for (seconds): the admin's setting, else 8 h. */
export async function maxShelveSeconds(engine: AlarmEngine): Promise<number> {
  const stored = await engine.opts.settings?.get(MAX_SHELVE_SETTING);
  const v = stored?.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_SHELVE_SECONDS && v <= MAX_MAX_SHELVE_SECONDS
    ? v
    : DEFAULT_MAX_SHELVE_SECONDS;
}

/** Sets the maximum shelving time (admins; audited). */
export async function setMaxShelveSeconds(engine: AlarmEngine, seconds: number, actor: Actor): Promise<number> {
  if (!engine.opts.settings) throw new Error('no settings repository');
  if (!Number.isInteger(seconds) || seconds < MIN_SHELVE_SECONDS || seconds > MAX_MAX_SHELVE_SECONDS)
    throw new ShelveValidationError(
      'maxShelveSeconds',
      `must be a whole number from ${MIN_SHELVE_SECONDS} to ${MAX_MAX_SHELVE_SECONDS}`,
    );
  const before = await maxShelveSeconds(engine);
  await engine.opts.settings.set(MAX_SHELVE_SETTING, seconds, actor.username);
  await engine.audit({
    actor,
    action: 'alarm.settings',
    target: MAX_SHELVE_SETTING,
    details: { maxShelveSeconds: seconds, before },
  });
  return seconds;
}

/** See AlertService.shelveAlarm. */
export async function shelveAlarm(
  engine: AlarmEngine,
  id: number,
  req: ShelveRequest,
  actor: Actor,
): Promise<AlertEvent> {
  const reason = req.reason.trim();
  if (!reason) throw new ShelveValidationError('reason', 'a reason is required');
  if (req.durationSeconds !== null) {
    const max = await maxShelveSeconds(engine);
    if (!Number.isInteger(req.durationSeconds) || req.durationSeconds < MIN_SHELVE_SECONDS || req.durationSeconds > max)
      throw new ShelveValidationError(
        'durationSeconds',
        `must be a whole number of seconds from ${MIN_SHELVE_SECONDS} to ${max} (the maximum shelving time)`,
      );
  }
  const t = engine.trackedWithAlarm(id);
  const run = async () => {
    const now = engine.now();
    const until = req.durationSeconds === null ? null : now + req.durationSeconds * 1000;
    const kind = until === null ? ('one_shot' as const) : ('timed' as const);
    const done = await engine.opts.repo.shelve(id, { kind, until, by: actor.username, reason, at: now });
    if (!done) throw await whyNot(engine, id, 'shelve');
    engine.adopt(t, done);
    engine.publish('shelved', done);
    await engine.audit({
      actor,
      action: 'alarm.shelve',
      target: `alert ${id}`,
      details: {
        assetId: done.assetId,
        signal: done.signal,
        kind,
        reason,
        ...(until !== null ? { durationSeconds: req.durationSeconds, until: new Date(until).toISOString() } : {}),
      },
    });
    return done;
  };
  return t ? engine.enqueue(t, run) : run();
}

/** Takes an alarm off the shelf by hand: still active, so `active_acked`. Audited and journaled. */
export async function unshelveAlarm(
  engine: AlarmEngine,
  id: number,
  actor: Actor,
  comment: string | null,
): Promise<AlertEvent> {
  const t = engine.trackedWithAlarm(id);
  const run = async () => {
    const done = await engine.opts.repo.unshelve(id, actor.username, comment, engine.now());
    if (!done) throw await whyNot(engine, id, 'unshelve');
    engine.adopt(t, done);
    engine.publish('unshelved', done);
    await engine.audit({
      actor,
      action: 'alarm.unshelve',
      target: `alert ${id}`,
      details: { assetId: done.assetId, signal: done.signal, comment },
    });
    return done;
  };
  return t ? engine.enqueue(t, run) : run();
}

async function whyNot(engine: AlarmEngine, id: number, what: 'shelve' | 'unshelve'): Promise<Error> {
  const a = await engine.opts.repo.get(id);
  if (!a) return new AlertNotFoundError(`alert ${id}`);
  if (a.state === 'out_of_service') return new AlertConflictError('out_of_service', `alarm ${id} is out of service`);
  if (a.state === 'suppressed')
    return new AlertConflictError('alarm_suppressed', `alarm ${id} is suppressed: its source sends no data`);
  if (what === 'unshelve') return new AlertConflictError('not_shelved', `alarm ${id} is not shelved`);
  if (a.state === 'shelved') return new AlertConflictError('alarm_shelved', `alarm ${id} is already shelved`);
  return new AlertConflictError(
    'not_active',
    `alarm ${id} is not active (${a.state}): only an active alarm is shelved`,
  );
}

/**
 * Timed shelves that have run out by `now` bring their alarm back as `active_unacked` (journaled
 * `shelf_expired`).
 */
export function expireShelves(engine: AlarmEngine, now: number): Promise<void> {
  const due: Promise<void>[] = [];
  for (const t of engine.tracked.values()) {
    const a = t.alert;
    if (a?.state !== 'shelved' || a.shelf?.kind !== 'timed' || a.shelf.until === null || a.shelf.until > now) continue;
    due.push(expire(engine, t, a.id, now));
  }
  return Promise.all(due).then(() => undefined);
}

function expire(engine: AlarmEngine, t: Tracked, id: number, now: number): Promise<void> {
  return engine
    .enqueue(t, async () => {
      const done = await engine.opts.repo.expireShelf(id, now);
      if (!done) return;
      engine.adopt(t, done);
      engine.publish('shelf_expired', done);
    })
    .catch((err: unknown) => engine.log.error({ err, alarmId: id }, 'expiring a shelf failed'));
}
