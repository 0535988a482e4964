/**
 * The engine's non-point inputs and live peaks, on the embedded database in memory: plant-wide
 * drift values fed with `onSignal`, rules added when a model with new features arrives, and
 * throttled peak pushes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditRepo } from '../db/audit-repo';
import { alertsRepo } from '../db/alerts-repo';
import { openDatabase, type Database } from '../db/client';
import { logger } from '../log';
import type { DriftReport } from '../serving/drift';
import { AlertService, PEAK_PUSH_MS, type AlertBroadcaster } from './alert-service';
import { defaultDriftRules, DRIFT_MIN_DURATION_MS, feedDrift } from './drift-alerts';
import { driftSignal, PLANT_ASSET_ID } from './plant-signals';
import type { AlertEvent } from './types';

type Recorded = { kind: 'raised' | 'updated'; alert: AlertEvent; at: number };
function recorder(): AlertBroadcaster & { events: Recorded[] } {
  const events: Recorded[] = [];
  return {
    events,
    raised: (alert) => events.push({ kind: 'raised', alert, at: Date.now() }),
    updated: (alert) => events.push({ kind: 'updated', alert, at: Date.now() }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await sleep(10);
  }
}

const TEMP = driftSignal('temperature');
const PRESSURE = driftSignal('pressure');

describe('AlertService.onSignal, addDefaults and live peaks', () => {
  let database: Database;
  const services: AlertService[] = [];
  const make = async (features = ['temperature', 'pressure']) => {
    const broadcaster = recorder();
    const service = new AlertService({
      repo: alertsRepo(database.db),
      audit: auditRepo(database.db),
      broadcaster,
      logger,
    });
    await service.start(
      defaultDriftRules(
        features.map((name) => ({ name })),
        0.25,
      ),
    );
    services.push(service);
    return { service, broadcaster };
  };
  const ruleOf = (s: AlertService, signal: string) => s.rules(PLANT_ASSET_ID).find((r) => r.signal === signal)!;
  const open = async () => alertsRepo(database.db).list({ state: 'open', assetId: PLANT_ASSET_ID });

  beforeAll(async () => {
    database = await openDatabase({ pgliteDir: 'memory://' });
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
  });
  afterAll(() => database?.close());

  it('seeds a warning per feature above the PSI threshold, 30 s minimum, a tenth of it as deadband', async () => {
    const { service } = await make();
    expect(
      service.rules(PLANT_ASSET_ID).map((r) => [r.signal, r.severity, r.low, r.high, r.deadband, r.minDurationMs]),
    ).toEqual(
      expect.arrayContaining([
        [TEMP, 'warning', null, 0.25, 0.025, DRIFT_MIN_DURATION_MS],
        [PRESSURE, 'warning', null, 0.25, 0.025, DRIFT_MIN_DURATION_MS],
      ]),
    );
  });

  it('raises only after the minimum duration in the values’ own time, and only for that signal', async () => {
    const { service, broadcaster } = await make();
    const t0 = Date.now();
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.4, t0);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.4, t0 + 20_000);
    service.onSignal(PLANT_ASSET_ID, PRESSURE, 0.01, t0 + 20_000);
    service.onSignal('reactor-1', TEMP, 0.9, t0 + 40_000);
    await service.idle();
    expect(await open()).toEqual([]);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.45, t0 + 30_000);
    await service.idle();
    const [alert] = await open();
    expect(alert).toMatchObject({
      assetId: PLANT_ASSET_ID,
      signal: TEMP,
      severity: 'warning',
      direction: 'high',
      limit: 0.25,
      value: 0.45,
      raisedAt: t0 + 30_000,
    });
    expect(broadcaster.events.map((e) => [e.kind, e.alert.signal])).toEqual([['raised', TEMP]]);
    // Under the threshold but not by the deadband: stays; then clears.
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.24, t0 + 35_000);
    await service.idle();
    expect(await open()).toHaveLength(1);
    // Back under by the deadband: returned to normal, but nobody acknowledged it, so (ISA-18.2) it
    // stays open as rtn_unacked until someone does; the acknowledgement closes it.
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.05, t0 + 40_000);
    await service.idle();
    expect(await open()).toEqual([expect.objectContaining({ id: alert!.id, state: 'rtn_unacked' })]);
    expect(await alertsRepo(database.db).get(alert!.id)).toMatchObject({
      state: 'rtn_unacked',
      returnedAt: t0 + 40_000,
      clearedAt: null,
      peak: 0.45,
    });
    expect(broadcaster.events.at(-1)).toMatchObject({
      kind: 'updated',
      alert: { id: alert!.id, state: 'rtn_unacked' },
    });
    await service.acknowledge(alert!.id, { username: 'olivia' }, null);
    expect(await open()).toEqual([]);
    expect(await alertsRepo(database.db).get(alert!.id)).toMatchObject({ state: 'normal', acknowledgedBy: 'olivia' });
  });

  it('ignores non-finite values and signals without rules, and never throws', async () => {
    const { service } = await make();
    expect(() => {
      service.onSignal(PLANT_ASSET_ID, TEMP, Number.NaN, Date.now());
      service.onSignal(PLANT_ASSET_ID, 'drift:nothing', 5, Date.now());
      service.onSignal('nowhere', TEMP, 5, Date.now());
    }).not.toThrow();
    await service.idle();
    expect(await open()).toEqual([]);
  });

  it('feeds every feature of a drift report that has a PSI', async () => {
    const { service } = await make();
    for (const r of service.rules(PLANT_ASSET_ID))
      await service.updateRule(r.id, { minDurationMs: 0 }, { username: 'olivia' });
    const feature = (name: string, psi: number | null) => ({
      name,
      label: name,
      unit: '',
      count: 1_000,
      mean: 0,
      std: 1,
      trainingMean: 0,
      trainingStd: 1,
      psi,
      outOfRangeRate: 0,
      drifting: psi !== null && psi > 0.25,
    });
    const report: DriftReport = {
      threshold: 0.25,
      window: 1_000,
      features: [feature('temperature', 1.2), feature('pressure', null)],
    };
    feedDrift(service, report, Date.now());
    await service.idle();
    expect((await open()).map((a) => [a.signal, a.value])).toEqual([[TEMP, 1.2]]);
    feedDrift(service, { ...report, features: [feature('temperature', 0.01), feature('pressure', 0.01)] }, Date.now());
    await service.idle();
    const returned = await open();
    expect(returned.map((a) => [a.signal, a.state])).toEqual([[TEMP, 'rtn_unacked']]);
    await service.acknowledge(returned[0]!.id, { username: 'olivia' }, null);
    expect(await open()).toEqual([]);
    for (const r of service.rules(PLANT_ASSET_ID))
      await service.updateRule(r.id, { minDurationMs: DRIFT_MIN_DURATION_MS }, { username: 'olivia' });
  });

  it('adds and evaluates the default rules of a new feature at once, leaving existing (edited) rules alone', async () => {
    const { service } = await make();
    const temp = ruleOf(service, TEMP);
    await service.updateRule(temp.id, { high: 0.5 }, { username: 'olivia' });
    const added = await service.addDefaults(
      defaultDriftRules([{ name: 'temperature' }, { name: 'pressure' }, { name: 'humidity' }], 0.25),
    );
    expect(added).toBe(1);
    expect(ruleOf(service, TEMP).high).toBe(0.5);
    const humidity = ruleOf(service, driftSignal('humidity'));
    expect(humidity).toMatchObject({ high: 0.25, severity: 'warning' });
    expect(await service.addDefaults(defaultDriftRules([{ name: 'humidity' }], 0.25))).toBe(0);
    expect(service.rules(PLANT_ASSET_ID).filter((r) => r.signal === humidity.signal)).toHaveLength(1);
    await service.updateRule(humidity.id, { minDurationMs: 0 }, { username: 'olivia' });
    service.onSignal(PLANT_ASSET_ID, humidity.signal, 0.9, Date.now());
    await service.idle();
    expect((await open()).map((a) => a.signal)).toEqual([humidity.signal]);
    service.onSignal(PLANT_ASSET_ID, humidity.signal, 0.01, Date.now());
    await service.idle();
    const [returned] = await open();
    expect(returned).toMatchObject({ signal: humidity.signal, state: 'rtn_unacked' });
    await service.acknowledge(returned!.id, { username: 'olivia' }, null);
    await service.updateRule(temp.id, { high: 0.25 }, { username: 'olivia' });
  });

  it('pushes a new peak at most once a second per alert, with the latest peak, and serves it from current()', async () => {
    const { service, broadcaster } = await make();
    const rule = ruleOf(service, TEMP);
    await service.updateRule(rule.id, { minDurationMs: 0 }, { username: 'olivia' });
    const t0 = Date.now();
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.4, t0);
    await service.idle();
    const raised = broadcaster.events[0]!;
    expect(raised.kind).toBe('raised');
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.5, t0 + 10);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.45, t0 + 20);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.6, t0 + 30);
    await service.idle();
    // Within a second of the raise: nothing more yet; the stored row still has the raise's peak.
    expect(broadcaster.events).toHaveLength(1);
    const [stored] = await open();
    expect(stored!.peak).toBe(0.4);
    expect(service.current(stored!).peak).toBe(0.6);

    await waitFor(() => broadcaster.events.length === 2);
    const first = broadcaster.events[1]!;
    expect(first).toMatchObject({
      kind: 'updated',
      alert: { id: raised.alert.id, state: 'active_unacked', peak: 0.6, value: 0.4 },
    });
    expect(first.at - raised.at).toBeGreaterThanOrEqual(PEAK_PUSH_MS - 20);

    // Right after a push, a new peak waits for the next second.
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.7, t0 + 40);
    await service.idle();
    expect(broadcaster.events).toHaveLength(2);
    await waitFor(() => broadcaster.events.length === 3);
    expect(broadcaster.events[2]!.alert.peak).toBe(0.7);
    expect(broadcaster.events[2]!.at - first.at).toBeGreaterThanOrEqual(PEAK_PUSH_MS - 20);

    // A peak pending when the alert clears is dropped: the clear (with the peak) is the last word.
    // Nobody acknowledged it, so (ISA-18.2) it returns to normal unacknowledged rather than closing.
    await sleep(PEAK_PUSH_MS);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.8, t0 + 50);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.9, t0 + 60);
    service.onSignal(PLANT_ASSET_ID, TEMP, 0.01, t0 + 70);
    await service.idle();
    await sleep(PEAK_PUSH_MS + 200);
    const after = broadcaster.events.slice(3);
    expect(after.map((e) => [e.alert.state, e.alert.peak])).toEqual([
      ['active_unacked', 0.8],
      ['rtn_unacked', 0.9],
    ]);
    expect(await alertsRepo(database.db).get(raised.alert.id)).toMatchObject({ state: 'rtn_unacked', peak: 0.9 });
    expect(service.current({ ...stored!, state: 'normal' }).peak).toBe(0.4);
  });
});
