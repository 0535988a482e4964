/**
 * Suppressed by design, on PGlite and PostgreSQL: while an asset's source is stale (the real
 * SourceMonitor on an injected clock, feeding the engine's `source:stale` signal as the console
 * does), its active process alarms are suppressed (hidden from the operator's list and the badge,
 * listed with the filter, journaled, broadcast, sent to a real webhook receiver, in the journal
 * CSV), nothing new is raised for it, and when data returns they come back and are evaluated again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import { auditRepo } from '../db/audit-repo';
import { alertsRepo } from '../db/alerts-repo';
import type { Database } from '../db/client';
import { logger } from '../log';
import { SourceMonitor } from '../twin/source-monitor';
import type { Point } from '../twin/types';
import { AlertService, defaultRules, type AlertBroadcaster } from './alert-service';
import { journalCsvStream } from './journal-csv';
import { SOURCE_STALE_SIGNAL } from './plant-signals';
import { defaultStaleRules, feedSourceAge } from './source-alerts';
import type { AlertEvent } from './types';
import { WebhookNotifier } from './webhook';

const SIGNALS = [
  { name: 'temperature', label: 'Temperature', unit: '°C', min: 300, max: 400 },
  { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
  { name: 'flow', label: 'Flow', unit: 'm3/h', min: 10, max: 20 },
];
const NORMAL = { temperature: 350, pressure: 5, flow: 15 };
const ASSETS = ['reactor-1', 'reactor-2'];
/** One reading a second; stale after 10 s without data. */
const STALE_AFTER_MS = 10_000;

let seq = 0;
const point = (ts: number, values: Record<string, number>): Point => ({
  seq: seq++,
  ts,
  values: { ...NORMAL, ...values },
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

describe.each(DB_TARGETS)('suppression by design on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  let receiver: Server;
  const received: { event: string; alert: AlertEvent }[] = [];
  let now = Date.UTC(2026, 11, 6, 3);
  const services: AlertService[] = [];

  beforeAll(async () => {
    database = await target.open();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { event: string; alert: AlertEvent });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 60_000);

  afterAll(async () => {
    for (const s of services) await s.close();
    await new Promise((resolve) => receiver.close(resolve));
    await database?.drop();
  });

  /** The console's wiring in small: engine + webhook, the monitor feeding `source:stale`. */
  const console_ = async () => {
    const broadcaster = recorder();
    const service = new AlertService({
      repo: alertsRepo(database.db),
      audit: auditRepo(database.db),
      broadcaster,
      notifier: new WebhookNotifier({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        timeoutMs: 2_000,
        logger,
      }),
      logger,
      now: () => now,
    });
    await service.start([
      ...defaultRules(ASSETS, SIGNALS, null),
      ...defaultStaleRules(ASSETS, () => STALE_AFTER_MS / 1000),
    ]);
    services.push(service);
    const monitor = new SourceMonitor({
      assetIds: ASSETS,
      intervalMs: () => 1_000,
      staleAfterIntervals: STALE_AFTER_MS / 1_000,
      now: () => now,
      onStatus: () => undefined,
      onAge: (assetId, age, at) => feedSourceAge(service, assetId, age, at),
    });
    /** One reading of `assetId` as the pipeline hands it over: the source first, then the alarms. */
    const reading = async (assetId: string, values: Record<string, number> = {}) => {
      monitor.observe(assetId, now);
      service.onPoint(assetId, point(now, values));
      await service.idle();
    };
    /** Both assets read every second for `seconds` (reactor-1 with `values`). */
    const run = async (seconds: number, values: Record<string, number> = {}) => {
      for (let i = 0; i < seconds; i++) {
        now += 1_000;
        await reading('reactor-1', values);
        await reading('reactor-2');
        monitor.check();
      }
      await service.idle();
    };
    return { service, broadcaster, monitor, reading, run };
  };

  const repo = () => alertsRepo(database.db);
  const alarmOf = async (assetId: string, signal: string) =>
    (await repo().list({ assetId, limit: 1000 })).filter((a) => a.signal === signal).sort((a, b) => b.id - a.id)[0];
  const events = async (alarmId: number) =>
    (await repo().journal({ limit: 1000 }))
      .filter((e) => e.alarmId === alarmId)
      .reverse()
      .map((e) => [e.event, e.stateAfter, e.who]);

  it('hides the process alarms of a stale asset behind its one "no data" alarm and brings them back with data', async () => {
    const { service, broadcaster, monitor, reading, run } = await console_();
    // Reactor-1: temperature high (acknowledged), flow low (unacknowledged), pressure high that
    // returned before anyone acknowledged it (rtn_unacked).
    await run(7, { temperature: 450, flow: 5, pressure: 12 });
    await run(1, { temperature: 450, flow: 5 });
    const temp = (await alarmOf('reactor-1', 'temperature'))!;
    await service.acknowledge(temp.id, { username: 'olivia' }, 'seen');
    const flow = (await alarmOf('reactor-1', 'flow'))!;
    const pressure = (await alarmOf('reactor-1', 'pressure'))!;
    expect([temp.state, flow.state, pressure.state]).toEqual(['active_unacked', 'active_unacked', 'rtn_unacked']);

    // Reactor-1's source stops; reactor-2 keeps sending.
    for (let i = 0; i < 11; i++) {
      now += 1_000;
      await reading('reactor-2');
      monitor.check();
    }
    await service.idle();
    const noData = (await alarmOf('reactor-1', SOURCE_STALE_SIGNAL))!;
    expect(noData.state).toBe('active_unacked');
    expect(service.suppressed()).toEqual(['reactor-1']);
    expect((await repo().get(temp.id))!.state).toBe('suppressed');
    expect((await repo().get(flow.id))!.state).toBe('suppressed');
    // A returned alarm still needs its acknowledgement: what real data showed stays shown.
    expect((await repo().get(pressure.id))!.state).toBe('rtn_unacked');

    // The operator's list and badge: the "no data" alarm, not the suppressed ones; the filter lists them.
    const visible = (await repo().list({ state: 'visible', assetId: 'reactor-1' })).map((a) => a.signal).sort();
    expect(visible).toEqual(['pressure', SOURCE_STALE_SIGNAL]);
    const badge = (await repo().list({ state: 'unacked', assetId: 'reactor-1' })).map((a) => a.signal).sort();
    expect(badge).toEqual(['pressure', SOURCE_STALE_SIGNAL]);
    const suppressed = await repo().list({ state: 'suppressed' });
    expect(suppressed.map((a) => a.signal).sort()).toEqual(['flow', 'temperature']);
    expect(service.openCounts()).toEqual({ warning: 1, critical: 1 });

    // Acknowledging a suppressed alarm is refused with a reason.
    await expect(service.acknowledge(flow.id, { username: 'olivia' }, null)).rejects.toMatchObject({
      status: 409,
      code: 'alarm_suppressed',
    });

    // Nothing is raised for the stale asset (a late point); the other asset raises as ever.
    service.onPoint('reactor-1', point(now, { pressure: 12 }));
    for (let i = 0; i < 7; i++) {
      now += 1_000;
      service.onPoint('reactor-1', point(now, { pressure: 12 }));
      await reading('reactor-2', { pressure: 12 });
    }
    await service.idle();
    expect((await repo().get(pressure.id))!.state).toBe('rtn_unacked');
    expect((await alarmOf('reactor-2', 'pressure'))!.state).toBe('active_unacked');

    // Data returns: temperature still high, flow back inside. Both come back and are judged again.
    now += 1_000;
    await reading('reactor-1', { temperature: 450 });
    expect(service.suppressed()).toEqual([]);
    expect((await repo().get(noData.id))!.state).toBe('rtn_unacked');
    expect((await repo().get(temp.id))!.state).toBe('active_acked');
    expect((await repo().get(flow.id))!.state).toBe('rtn_unacked');
    expect(await events(temp.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['acknowledged', 'active_acked', 'olivia'],
      ['suppressed', 'suppressed', 'system'],
      ['unsuppressed', 'active_acked', 'system'],
    ]);
    expect(await events(flow.id)).toEqual([
      ['raised', 'active_unacked', 'system'],
      ['suppressed', 'suppressed', 'system'],
      ['unsuppressed', 'active_unacked', 'system'],
      ['returned', 'rtn_unacked', 'system'],
    ]);

    // Browsers and the webhook were told, with the state.
    const pushed = broadcaster.events.filter((e) => e.alert.id === flow.id).map((e) => e.alert.state);
    expect(pushed).toEqual(['active_unacked', 'suppressed', 'active_unacked', 'rtn_unacked']);
    await expect
      .poll(() => received.filter((r) => r.alert.id === flow.id).map((r) => `${r.event}:${r.alert.state}`))
      .toEqual([
        'alert.raised:active_unacked',
        'alert.suppressed:suppressed',
        'alert.unsuppressed:active_unacked',
        'alert.returned:rtn_unacked',
      ]);

    // The journal CSV names the events and states.
    const csv = await new Response(journalCsvStream(repo(), { assetId: 'reactor-1', event: 'suppressed' })).text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) {
      const f = line.split(',');
      expect([f[1], f[2], f[8], f[9]]).toEqual(['suppressed', 'suppressed', 'system', 'no data from the source']);
    }
  });

  it('keeps them suppressed across a restart and out of service, and returns them with data', async () => {
    const first = await console_();
    await first.run(1); // the first test's temperature alarm returns and closes
    await first.run(7, { temperature: 450 });
    const temp = (await alarmOf('reactor-1', 'temperature'))!;
    expect(temp.state).toBe('active_unacked');
    for (let i = 0; i < 11; i++) {
      now += 1_000;
      await first.reading('reactor-2');
      first.monitor.check();
    }
    await first.service.idle();
    expect((await repo().get(temp.id))!.state).toBe('suppressed');
    await first.service.close();

    // A new process: the stored "no data" alarm is still active, so the asset stays suppressed.
    const second = await console_();
    await second.service.idle();
    expect(second.service.suppressed()).toEqual(['reactor-1']);
    expect((await repo().get(temp.id))!.state).toBe('suppressed');

    // Out of service and back while still stale: suppressed again, not shown.
    const admin = { username: 'adam' };
    await second.service.takeOutOfService('asset', 'reactor-1', 'instrument fault', admin);
    await second.service.idle();
    expect((await repo().get(temp.id))!.state).toBe('out_of_service');
    await second.service.returnToService('asset', 'reactor-1', null, admin);
    await second.service.idle();
    expect((await repo().get(temp.id))!.state).toBe('suppressed');
    expect(second.service.suppressed()).toEqual(['reactor-1']);

    // The source sends again: the new monitor's next check feeds its age (0 s), the "no data"
    // alarm returns, the suppression lifts, and the next point judges the alarm afresh.
    now += 1_000;
    await second.reading('reactor-1');
    second.monitor.check();
    await second.service.idle();
    expect(second.service.suppressed()).toEqual([]);
    expect((await repo().get(temp.id))!.state).toBe('active_unacked');
    now += 1_000;
    await second.reading('reactor-1');
    expect((await repo().get(temp.id))!.state).toBe('rtn_unacked');
    expect((await events(temp.id)).map((e) => e[0])).toEqual([
      'raised',
      'suppressed',
      'out_of_service',
      'returned_to_service',
      'unsuppressed',
      'returned',
    ]);
  });
});
