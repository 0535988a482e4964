/**
 * ISA-18.2 alarm handling, every transition, on PGlite and PostgreSQL: returned-to-normal
 * unacknowledged, re-occurrence, priorities, per-alarm shelving (one-shot, timed with expiry on
 * the engine's clock, manual unshelve, the admin's maximum), out of service by rule and by asset,
 * and the journal row each change writes. Time is injected: nothing sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from '../db/audit-repo';
import type { Database } from '../db/client';
import { alertsRepo } from '../db/alerts-repo';
import { settingsRepo } from '../db/settings-repo';
import { logger } from '../log';
import type { Point } from '../twin/types';
import { AlertService, defaultRules, type AlertBroadcaster } from './alert-service';
import type { AlertEvent } from './types';

const SIGNALS = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
];

let seq = 0;
const point = (ts: number, temperature: number, pressure = 5): Point => ({
  seq: seq++,
  ts,
  values: { temperature, pressure },
  prediction: 80,
  lower: null,
  upper: null,
  modelVersion: null,
  inferenceMs: null,
  flags: [],
});

function recorder(): AlertBroadcaster & { events: { kind: string; alert: AlertEvent }[] } {
  const events: { kind: string; alert: AlertEvent }[] = [];
  return {
    events,
    raised: (alert) => events.push({ kind: 'raised', alert }),
    updated: (alert) => events.push({ kind: 'updated', alert }),
  };
}

describe.each(DB_TARGETS)('ISA-18.2 alarms on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  let now = Date.UTC(2026, 11, 4, 8);
  const engines: AlertService[] = [];
  const olivia = { username: 'olivia', address: '192.0.2.7' };
  const adam = { username: 'adam' };

  const make = async () => {
    const broadcaster = recorder();
    const service = new AlertService({
      repo: alertsRepo(database.db),
      audit: auditRepo(database.db),
      settings: settingsRepo(database.db),
      broadcaster,
      logger,
      now: () => now,
    });
    await service.start(defaultRules(['reactor-1', 'reactor-2', 'reactor-3'], SIGNALS, null));
    engines.push(service);
    return { service, broadcaster };
  };
  const ruleOf = (s: AlertService, assetId: string, signal: string) =>
    s.rules(assetId).find((r) => r.signal === signal)!;
  const repo = () => alertsRepo(database.db);
  const alarmsOf = async (ruleId: string) => (await repo().list({ ruleId, limit: 1000 })).sort((a, b) => a.id - b.id);
  const journalOf = async (alarmId: number) =>
    (await repo().journal({ limit: 1000 }))
      .filter((e) => e.alarmId === alarmId)
      .reverse()
      .map((e) => [e.event, e.stateAfter, e.who]);
  /** Breach (or not) and wait until the engine stored it. */
  const feed = async (s: AlertService, assetId: string, temperature: number, pressure = 5) => {
    now += 1_000;
    s.onPoint(assetId, point(now, temperature, pressure));
    await s.idle();
  };

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
    await database?.drop();
  });

  it('derives the priority from the severity, copies it onto the alarm and lets an operator change it', async () => {
    const { service } = await make();
    const temp = ruleOf(service, 'reactor-3', 'temperature');
    expect(temp).toMatchObject({ severity: 'critical', priority: 'high' });
    const updated = await service.updateRule(temp.id, { priority: 'urgent', minDurationMs: 0 }, olivia);
    expect(updated.priority).toBe('urgent');
    expect((await repo().getRule(temp.id))!.priority).toBe('urgent');
    await feed(service, 'reactor-3', 450);
    const [alarm] = await alarmsOf(temp.id);
    expect(alarm).toMatchObject({ priority: 'urgent', state: 'active_unacked' });
    expect((await repo().journal({ priority: 'urgent' })).map((e) => e.alarmId)).toContain(alarm!.id);
  });

  it('an excursion that returns before acknowledgement stays rtn_unacked until acknowledged, which closes it', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-1', 'temperature');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, olivia);
    await feed(service, 'reactor-1', 410);
    await feed(service, 'reactor-1', 350);
    const [alarm] = await alarmsOf(rule.id);
    expect(alarm).toMatchObject({ state: 'rtn_unacked', priority: 'high', clearedAt: null, returnedAt: now });
    // Still what operators see and what the badge counts.
    expect((await repo().list({ state: 'unacked', assetId: 'reactor-1' })).map((a) => a.id)).toContain(alarm!.id);
    expect(broadcaster.events.map((e) => [e.kind, e.alert.state])).toEqual([
      ['raised', 'active_unacked'],
      ['updated', 'rtn_unacked'],
    ]);
    const closed = await service.acknowledge(alarm!.id, olivia, 'saw it on the trend');
    expect(closed).toMatchObject({ state: 'normal', acknowledgedBy: 'olivia', ackComment: 'saw it on the trend' });
    expect(closed.clearedAt).toBe(now);
    await expect(service.acknowledge(alarm!.id, olivia, null)).rejects.toMatchObject({ code: 'alert_cleared' });
    expect(await journalOf(alarm!.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['returned', 'rtn_unacked', 'system'],
      ['acknowledged', 'normal', 'olivia'],
    ]);
    const [ackEntry] = await repo().journal({ event: 'acknowledged', assetId: 'reactor-1', limit: 1 });
    expect(ackEntry).toMatchObject({ comment: 'saw it on the trend', ruleId: rule.id, signal: 'temperature' });
  });

  it('a condition that comes back while rtn_unacked reactivates the same alarm (no second row)', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-1', 'pressure');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, olivia);
    await feed(service, 'reactor-1', 350, 11);
    await feed(service, 'reactor-1', 350, 5);
    await feed(service, 'reactor-1', 350, 0.5);
    const alarms = await alarmsOf(rule.id);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ state: 'active_unacked', direction: 'low', value: 0.5, returnedAt: null });
    expect(broadcaster.events.map((e) => [e.kind, e.alert.id, e.alert.state])).toEqual([
      ['raised', alarms[0]!.id, 'active_unacked'],
      ['updated', alarms[0]!.id, 'rtn_unacked'],
      ['raised', alarms[0]!.id, 'active_unacked'],
    ]);
    // Acknowledged while active, it closes when it returns (active_acked -> normal).
    await service.acknowledge(alarms[0]!.id, olivia, null);
    await feed(service, 'reactor-1', 350, 5);
    expect((await repo().get(alarms[0]!.id))!.state).toBe('normal');
    expect(await journalOf(alarms[0]!.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['returned', 'rtn_unacked', 'system'],
      ['raised', 'active_unacked', 'system'],
      ['acknowledged', 'active_acked', 'olivia'],
      ['cleared', 'normal', 'system'],
    ]);
  });

  it('a timed shelf expires on the engine clock and brings a still-active alarm back unacknowledged; audited', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-2', 'temperature');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, olivia);
    await feed(service, 'reactor-2', 420);
    const [alarm] = await alarmsOf(rule.id);
    await service.acknowledge(alarm!.id, olivia, null);
    const shelved = await service.shelveAlarm(alarm!.id, { durationSeconds: 60, reason: 'valve maintenance' }, olivia);
    expect(shelved).toMatchObject({
      state: 'shelved',
      shelf: { kind: 'timed', until: now + 60_000, by: 'olivia', reason: 'valve maintenance' },
    });
    // Out of the operator's list and the badge, in the shelved filter.
    expect((await repo().list({ state: 'open', assetId: 'reactor-2' })).map((a) => a.id)).not.toContain(alarm!.id);
    expect((await repo().list({ state: 'shelved' })).map((a) => a.id)).toContain(alarm!.id);
    // Still active while shelved: nothing changes, nothing is raised.
    await feed(service, 'reactor-2', 425);
    await service.tick(now + 58_000);
    expect((await repo().get(alarm!.id))!.state).toBe('shelved');
    await service.tick(now + 60_000);
    const back = await repo().get(alarm!.id);
    expect(back).toMatchObject({ state: 'active_unacked', shelf: null });
    expect(broadcaster.events.at(-1)).toMatchObject({
      kind: 'updated',
      alert: { id: alarm!.id, state: 'active_unacked' },
    });
    expect(await journalOf(alarm!.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['acknowledged', 'active_acked', 'olivia'],
      ['shelved', 'shelved', 'olivia'],
      ['shelf_expired', 'active_unacked', 'system'],
    ]);
    const [audit] = await auditRepo(database.db).list({ action: 'alarm.shelve' });
    expect(audit).toMatchObject({
      actor: 'olivia',
      address: '192.0.2.7',
      target: `alert ${alarm!.id}`,
      details: expect.objectContaining({ reason: 'valve maintenance', kind: 'timed', durationSeconds: 60 }),
    });
    // A manual unshelve goes to active_acked.
    await service.shelveAlarm(alarm!.id, { durationSeconds: 3600, reason: 'again' }, olivia);
    const un = await service.unshelveAlarm(alarm!.id, olivia, 'done early');
    expect(un).toMatchObject({ state: 'active_acked', shelf: null });
    expect((await journalOf(alarm!.id)).at(-1)).toEqual(['unshelved', 'active_acked', 'olivia']);
    expect((await auditRepo(database.db).list({ action: 'alarm.unshelve' }))[0]).toMatchObject({ actor: 'olivia' });
    await expect(service.unshelveAlarm(alarm!.id, olivia, null)).rejects.toMatchObject({ code: 'not_shelved' });
    await feed(service, 'reactor-2', 350);
    expect((await repo().get(alarm!.id))!.state).toBe('normal');
  });

  it('a one-shot shelf lasts until the alarm returns to normal; shelving needs a reason and respects the maximum', async () => {
    const { service } = await make();
    const rule = ruleOf(service, 'reactor-2', 'pressure');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, olivia);
    await feed(service, 'reactor-2', 350, 12);
    const [alarm] = await alarmsOf(rule.id);
    await expect(
      service.shelveAlarm(alarm!.id, { durationSeconds: 8 * 3600 + 1, reason: 'too long' }, olivia),
    ).rejects.toMatchObject({ status: 400, fields: [{ field: 'durationSeconds' }] });
    await expect(service.shelveAlarm(alarm!.id, { durationSeconds: 60, reason: '  ' }, olivia)).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'reason' }],
    });
    // The admin lowers the maximum: it applies at once.
    expect(await service.maxShelveSeconds()).toBe(8 * 3600);
    await service.setMaxShelveSeconds(600, adam);
    expect(await service.maxShelveSeconds()).toBe(600);
    await expect(service.shelveAlarm(alarm!.id, { durationSeconds: 601, reason: 'r' }, olivia)).rejects.toMatchObject({
      fields: [{ field: 'durationSeconds' }],
    });
    await service.setMaxShelveSeconds(8 * 3600, adam);

    const shelved = await service.shelveAlarm(alarm!.id, { durationSeconds: null, reason: 'sensor swap' }, olivia);
    expect(shelved.shelf).toMatchObject({ kind: 'one_shot', until: null });
    await service.tick(now + 365 * 86_400_000);
    expect((await repo().get(alarm!.id))!.state).toBe('shelved');
    await feed(service, 'reactor-2', 350, 5);
    expect(await repo().get(alarm!.id)).toMatchObject({ state: 'normal', shelf: null });
    expect((await journalOf(alarm!.id)).slice(-2)).toEqual([
      ['shelved', 'shelved', 'olivia'],
      ['cleared', 'normal', 'system'],
    ]);
    // A returned (or closed) alarm cannot be shelved.
    await expect(service.shelveAlarm(alarm!.id, { durationSeconds: null, reason: 'x' }, olivia)).rejects.toMatchObject({
      code: 'not_active',
    });
  });

  it('a rule out of service raises nothing and hides its alarm; returned to service the alarm is back and it evaluates again', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-3', 'pressure');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, olivia);
    await feed(service, 'reactor-3', 350, 12);
    const [alarm] = await alarmsOf(rule.id);
    const out = await service.takeOutOfService('rule', rule.id, 'transmitter replaced', adam);
    expect(out.alarms.map((a) => [a.id, a.state])).toEqual([[alarm!.id, 'out_of_service']]);
    await expect(service.takeOutOfService('rule', rule.id, 'again', adam)).rejects.toMatchObject({
      code: 'already_out_of_service',
    });
    expect((await repo().list({ state: 'open', assetId: 'reactor-3' })).map((a) => a.id)).not.toContain(alarm!.id);
    // Back to normal and a new excursion while out of service: nothing is evaluated.
    const before = broadcaster.events.length;
    await feed(service, 'reactor-3', 350, 5);
    await feed(service, 'reactor-3', 350, 0.2);
    expect(broadcaster.events.length).toBe(before);
    expect(await alarmsOf(rule.id)).toHaveLength(1);
    // A new engine (restart) keeps it out of service.
    const second = await make();
    await feed(second.service, 'reactor-3', 350, 5);
    expect((await repo().get(alarm!.id))!.state).toBe('out_of_service');
    await second.service.close();

    const back = await service.returnToService('rule', rule.id, 'calibrated', adam);
    expect(back.map((a) => [a.id, a.state])).toEqual([[alarm!.id, 'active_unacked']]);
    await expect(service.returnToService('rule', rule.id, null, adam)).rejects.toMatchObject({ code: 'in_service' });
    // Evaluated again: the value is normal now, so the unacknowledged alarm returns.
    await feed(service, 'reactor-3', 350, 5);
    expect((await repo().get(alarm!.id))!.state).toBe('rtn_unacked');
    expect(await journalOf(alarm!.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['out_of_service', 'out_of_service', 'adam'],
      ['returned_to_service', 'active_unacked', 'adam'],
      ['returned', 'rtn_unacked', 'system'],
    ]);
    expect((await auditRepo(database.db).list({ action: 'alarm.out_of_service' }))[0]).toMatchObject({
      actor: 'adam',
      target: `rule ${rule.id}`,
      details: expect.objectContaining({ reason: 'transmitter replaced' }),
    });
    expect((await auditRepo(database.db).list({ action: 'alarm.return_to_service' })).length).toBeGreaterThan(0);
    await service.acknowledge(alarm!.id, olivia, null);
  });

  it('a whole asset out of service: every alarm of it hidden, none raised, each back in its own state afterwards', async () => {
    const { service } = await make();
    const temp = ruleOf(service, 'reactor-1', 'temperature');
    const pressure = ruleOf(service, 'reactor-1', 'pressure');
    await feed(service, 'reactor-1', 350, 5);
    await feed(service, 'reactor-1', 450, 5);
    await feed(service, 'reactor-1', 350, 5);
    await feed(service, 'reactor-1', 350, 12);
    const [t] = (await alarmsOf(temp.id)).filter((a) => a.state !== 'normal');
    const [p] = (await alarmsOf(pressure.id)).filter((a) => a.state !== 'normal');
    expect([t!.state, p!.state]).toEqual(['rtn_unacked', 'active_unacked']);
    await expect(service.takeOutOfService('asset', 'reactor-9', 'nope', adam)).rejects.toMatchObject({ status: 404 });
    const out = await service.takeOutOfService('asset', 'reactor-1', 'turnaround', adam);
    expect(out.alarms.map((a) => a.id).sort()).toEqual([t!.id, p!.id].sort());
    expect(await repo().list({ state: 'open', assetId: 'reactor-1' })).toEqual([]);
    expect((await repo().listOutOfService()).map((o) => [o.scope, o.target, o.reason, o.by])).toEqual([
      ['asset', 'reactor-1', 'turnaround', 'adam'],
    ]);
    await feed(service, 'reactor-1', 460, 0.1);
    expect((await repo().list({ assetId: 'reactor-1', state: 'any_open' })).map((a) => a.state)).toEqual([
      'out_of_service',
      'out_of_service',
    ]);
    // Another asset keeps working.
    await feed(service, 'reactor-2', 460);
    expect((await repo().list({ state: 'open', assetId: 'reactor-2' })).length).toBeGreaterThan(0);

    await service.returnToService('asset', 'reactor-1', null, adam);
    expect((await repo().get(t!.id))!.state).toBe('rtn_unacked');
    expect((await repo().get(p!.id))!.state).toBe('active_unacked');
    // Evaluated again at once: still breaching, the temperature alarm is active again.
    await feed(service, 'reactor-1', 460, 12);
    expect((await repo().get(t!.id))!.state).toBe('active_unacked');
    expect(await repo().listOutOfService()).toEqual([]);
  });
});
