import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Database } from './client';
import { alertsRepo } from './alerts-repo';

describe.each(DB_TARGETS)('alerts repo on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => database?.drop());

  it('holds at most one open alert per rule (the partial unique index), and a new one once cleared', async () => {
    const repo = alertsRepo(database.db);
    await repo.seedRules([{ assetId: 'a', signal: 'temperature', severity: 'critical', low: 0, high: 10 }]);
    const [rule] = await repo.listRules('a');
    const raise = (value: number, at: number) =>
      repo.openAlert({
        ruleId: rule!.id,
        assetId: 'a',
        signal: 'temperature',
        severity: 'critical',
        direction: 'high',
        limit: 10,
        value,
        raisedAt: at,
      });
    const results = await Promise.all([raise(11, 1_000), raise(12, 1_001), raise(13, 1_002)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const first = results.find((r) => r !== null)!;
    expect(await repo.acknowledge(first.id, 'olivia', 'ok', 2_000)).toMatchObject({
      state: 'active_acked',
      acknowledgedBy: 'olivia',
      acknowledgedAt: 2_000,
    });
    expect(await repo.acknowledge(first.id, 'vera', null, 2_500)).toBeNull();
    expect(await raise(14, 2_600)).toBeNull();
    expect(await repo.clear(first.id, 3_000, 15)).toMatchObject({
      state: 'normal',
      clearedAt: 3_000,
      peak: 15,
      acknowledgedBy: 'olivia',
      ackComment: 'ok',
    });
    expect(await repo.clear(first.id, 3_500, 16)).toBeNull();
    const second = await raise(20, 4_000);
    expect(second).toMatchObject({ state: 'active_unacked', value: 20, peak: 20 });
    expect((await repo.listOpen()).map((a) => a.id)).toEqual([second!.id]);
    expect((await repo.list({ state: 'normal', assetId: 'a' })).map((a) => a.id)).toEqual([first.id]);
    expect((await repo.list({ before: second!.id })).map((a) => a.id)).toEqual([first.id]);
  });

  it('seeds only (asset, signal) pairs without any rule, idempotently', async () => {
    const repo = alertsRepo(database.db);
    const defaults = [
      { assetId: 'b', signal: 'flow', severity: 'critical' as const, low: 50, high: 150 },
      { assetId: 'b', signal: 'prediction', severity: 'warning' as const, low: 70, high: 95 },
    ];
    expect(await repo.seedRules(defaults)).toBe(2);
    expect(await repo.seedRules(defaults)).toBe(0);
    const flow = (await repo.listRules('b')).find((r) => r.signal === 'flow')!;
    await repo.updateRule(flow.id, { severity: 'warning' }, 'olivia');
    expect(await repo.seedRules(defaults)).toBe(0);
    expect(await repo.listRules('b')).toHaveLength(2);
  });
});
