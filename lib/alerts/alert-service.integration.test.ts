import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from '../db/audit-repo';
import type { Database } from '../db/client';
import { alertsRepo } from '../db/alerts-repo';
import { logger } from '../log';
import type { Point } from '../twin/types';
import { AlertService, defaultRules, type AlertBroadcaster } from './alert-service';
import type { AlertEvent } from './types';

const SIGNALS = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
];

let seq = 0;
const point = (ts: number, temperature: number, prediction: number | null = 80): Point => ({
  seq: seq++,
  ts,
  values: { temperature, pressure: 5 },
  prediction,
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

describe.each(DB_TARGETS)('alert engine on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  const defaults = defaultRules(['reactor-1', 'reactor-2'], SIGNALS, { low: 70, high: 95 });
  const make = async (now?: () => number) => {
    const broadcaster = recorder();
    const service = new AlertService({
      repo: alertsRepo(database.db),
      audit: auditRepo(database.db),
      broadcaster,
      logger,
      now,
    });
    await service.start(defaults);
    return { service, broadcaster };
  };
  const ruleOf = (s: AlertService, assetId: string, signal: string) =>
    s.rules(assetId).find((r) => r.signal === signal)!;
  const openInDb = async (assetId: string) => alertsRepo(database.db).list({ state: 'open', assetId });

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => database?.drop());

  it('seeds defaults from the model limits and valid ranges once, and never duplicates an edited rule', async () => {
    const { service } = await make();
    const rules = await alertsRepo(database.db).listRules('reactor-1');
    expect(rules.map((r) => [r.signal, r.severity, r.low, r.high])).toEqual([
      ['prediction', 'warning', 70, 95],
      ['pressure', 'critical', 1, 10],
      ['temperature', 'critical', 300, 400],
    ]);
    const temp = ruleOf(service, 'reactor-2', 'temperature');
    await service.updateRule(temp.id, { severity: 'warning' }, { username: 'olivia' });
    expect(await alertsRepo(database.db).seedRules(defaults)).toBe(0);
    expect((await alertsRepo(database.db).listRules()).length).toBe(6);
    await service.updateRule(temp.id, { severity: 'critical' }, { username: 'olivia' });
  });

  it('persists the lifecycle raised -> acknowledged -> cleared, broadcasts each step and audits the ack', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-1', 'temperature');
    await service.updateRule(rule.id, { minDurationMs: 0, deadband: 0 }, { username: 'olivia', address: '192.0.2.7' });
    const t0 = Date.now();
    service.onPoint('reactor-1', point(t0, 350));
    service.onPoint('reactor-1', point(t0 + 500, 410));
    service.onPoint('reactor-1', point(t0 + 1000, 415));
    await service.idle();
    const [open] = await openInDb('reactor-1');
    expect(open).toMatchObject({
      ruleId: rule.id,
      signal: 'temperature',
      severity: 'critical',
      direction: 'high',
      limit: 400,
      value: 410,
      state: 'active_unacked',
      raisedAt: t0 + 500,
    });
    expect(broadcaster.events.map((e) => e.kind)).toEqual(['raised']);
    expect(service.openCounts()).toEqual({ warning: 0, critical: 1 });

    const acked = await service.acknowledge(
      open!.id,
      { username: 'olivia', address: '192.0.2.7' },
      'checking the feed',
    );
    expect(acked).toMatchObject({
      state: 'active_acked',
      acknowledgedBy: 'olivia',
      ackComment: 'checking the feed',
      peak: 415,
    });
    expect(acked.acknowledgedAt).toBeGreaterThan(0);
    await expect(service.acknowledge(open!.id, { username: 'vera' }, null)).rejects.toMatchObject({
      name: 'AlertConflictError',
      code: 'already_acknowledged',
    });

    service.onPoint('reactor-1', point(t0 + 1500, 360));
    await service.idle();
    const stored = await alertsRepo(database.db).get(open!.id);
    expect(stored).toMatchObject({
      state: 'normal',
      clearedAt: t0 + 1500,
      peak: 415,
      acknowledgedBy: 'olivia',
      ackComment: 'checking the feed',
    });
    expect(broadcaster.events.map((e) => [e.kind, e.alert.state])).toEqual([
      ['raised', 'active_unacked'],
      ['updated', 'active_acked'],
      ['updated', 'normal'],
    ]);
    await expect(service.acknowledge(open!.id, { username: 'olivia' }, null)).rejects.toMatchObject({
      name: 'AlertConflictError',
      code: 'alert_cleared',
    });
    await expect(service.acknowledge(9_999_999, { username: 'olivia' }, null)).rejects.toMatchObject({
      name: 'AlertNotFoundError',
    });
    const audit = await auditRepo(database.db).list({ action: 'alert.acknowledge' });
    expect(audit[0]).toMatchObject({
      actor: 'olivia',
      target: `alert ${open!.id}`,
      address: '192.0.2.7',
      details: expect.objectContaining({ comment: 'checking the feed' }),
    });
    const edits = await auditRepo(database.db).list({ action: 'alert_rule.update', actor: 'olivia' });
    expect(edits[0]).toMatchObject({
      target: 'reactor-1/temperature/critical',
      details: expect.objectContaining({ changes: { minDurationMs: 0, deadband: 0 } }),
    });
  });

  it('keeps exactly one open alert when many breaching points arrive concurrently', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, 'reactor-1', 'pressure');
    await service.updateRule(rule.id, { minDurationMs: 0 }, { username: 'olivia' });
    // A second engine on the same database (another process), started before anything is open.
    const other = await make();
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        Promise.resolve().then(() =>
          service.onPoint('reactor-1', { ...point(t0 + i, 350), values: { temperature: 350, pressure: 11 + (i % 7) } }),
        ),
      ),
    );
    await service.idle();
    const open = (await openInDb('reactor-1')).filter((a) => a.ruleId === rule.id);
    expect(open).toHaveLength(1);
    expect(broadcaster.events.filter((e) => e.kind === 'raised' && e.alert.ruleId === rule.id)).toHaveLength(1);
    // The other engine cannot open a second one either: the partial unique index refuses it.
    other.service.onPoint('reactor-1', { ...point(t0 + 500, 350), values: { temperature: 350, pressure: 12 } });
    await other.service.idle();
    expect((await openInDb('reactor-1')).filter((a) => a.ruleId === rule.id)).toHaveLength(1);
    expect(other.broadcaster.events).toEqual([]);
    expect(other.service.openCounts().critical).toBe(1);
    // Clean up: back inside returns it to normal (unacknowledged: still open), acknowledging closes it.
    service.onPoint('reactor-1', point(t0 + 600, 350));
    await service.idle();
    const [returned] = (await openInDb('reactor-1')).filter((a) => a.ruleId === rule.id);
    expect(returned).toMatchObject({ state: 'rtn_unacked', returnedAt: t0 + 600 });
    await service.acknowledge(returned!.id, { username: 'olivia' }, null);
    expect((await openInDb('reactor-1')).filter((a) => a.ruleId === rule.id)).toHaveLength(0);
  });

  it('reloads open alerts after a restart, so the next point inside clears the same alert', async () => {
    const first = await make();
    const rule = ruleOf(first.service, 'reactor-2', 'prediction');
    await first.service.updateRule(rule.id, { minDurationMs: 0, deadband: 1 }, { username: 'olivia' });
    const t0 = Date.now();
    first.service.onPoint('reactor-2', point(t0, 350, 60));
    await first.service.close();
    const [open] = (await openInDb('reactor-2')).filter((a) => a.ruleId === rule.id);
    expect(open).toMatchObject({ state: 'active_unacked', value: 60, direction: 'low' });

    const second = await make();
    expect(second.service.openCounts().warning).toBe(1);
    // Inside the limits but not by the deadband: stays open; then clears.
    second.service.onPoint('reactor-2', point(t0 + 1000, 350, 70.5));
    second.service.onPoint('reactor-2', point(t0 + 2000, 350, 69));
    await second.service.idle();
    expect((await openInDb('reactor-2')).map((a) => a.id)).toContain(open!.id);
    second.service.onPoint('reactor-2', point(t0 + 3000, 350, 80));
    await second.service.idle();
    // Not acknowledged before it returned: ISA-18.2's returned-to-normal-unacknowledged, not closed.
    expect(await alertsRepo(database.db).get(open!.id)).toMatchObject({
      state: 'rtn_unacked',
      peak: 60,
      returnedAt: t0 + 3000,
      clearedAt: null,
    });
    expect(second.broadcaster.events.map((e) => [e.kind, e.alert.id])).toEqual([['updated', open!.id]]);
  });

  it('shelving raises nothing until the time passes; unshelving raises again; both audited', async () => {
    let now = Date.now();
    const { service } = await make(() => now);
    const rule = ruleOf(service, 'reactor-2', 'pressure');
    await service.updateRule(rule.id, { minDurationMs: 0 }, { username: 'olivia' });
    const shelved = await service.shelve(rule.id, 30, { username: 'olivia' });
    expect(shelved.shelvedUntil).toBe(now + 30 * 60_000);
    service.onPoint('reactor-2', { ...point(now, 350), values: { temperature: 350, pressure: 0.5 } });
    await service.idle();
    expect((await openInDb('reactor-2')).filter((a) => a.ruleId === rule.id)).toHaveLength(0);
    now += 31 * 60_000;
    service.onPoint('reactor-2', { ...point(now, 350), values: { temperature: 350, pressure: 0.5 } });
    await service.idle();
    expect((await openInDb('reactor-2')).filter((a) => a.ruleId === rule.id)).toHaveLength(1);
    await service.shelve(rule.id, 10, { username: 'olivia' });
    expect((await service.shelve(rule.id, null, { username: 'olivia' })).shelvedUntil).toBeNull();
    expect((await auditRepo(database.db).list({ action: 'alert_rule.shelve' })).length).toBeGreaterThan(0);
    expect((await auditRepo(database.db).list({ action: 'alert_rule.unshelve' })).length).toBe(1);
  });

  it('refuses invalid rule changes naming the field, and a severity another rule of the signal has', async () => {
    const { service } = await make();
    const rule = ruleOf(service, 'reactor-1', 'prediction');
    await expect(service.updateRule(rule.id, { low: 96 }, { username: 'o' })).rejects.toMatchObject({
      name: 'RuleValidationError',
      field: 'high',
    });
    await expect(service.updateRule(rule.id, { deadband: 20 }, { username: 'o' })).rejects.toMatchObject({
      name: 'RuleValidationError',
      field: 'deadband',
    });
    await expect(service.updateRule(rule.id, { low: null, high: null }, { username: 'o' })).rejects.toMatchObject({
      name: 'RuleValidationError',
    });
    await expect(
      service.updateRule('00000000-0000-4000-8000-000000000000', { low: 1 }, { username: 'o' }),
    ).rejects.toMatchObject({ name: 'AlertNotFoundError' });
    // A second prediction rule of the other severity, as an operator might have had.
    await database.db.execute(
      sql`insert into alert_rules (asset_id, signal, severity, low, high) values ('reactor-1', 'prediction', 'critical', 60, 99)`,
    );
    expect(
      (await alertsRepo(database.db).listRules('reactor-1')).filter((r) => r.signal === 'prediction'),
    ).toHaveLength(2);
    await expect(service.updateRule(rule.id, { severity: 'critical' }, { username: 'o' })).rejects.toMatchObject({
      name: 'AlertConflictError',
      code: 'severity_taken',
    });
  });
});
