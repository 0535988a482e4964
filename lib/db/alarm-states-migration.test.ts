/**
 * The ISA-18.2 migration on a database that already holds first-round alerts: every old state
 * becomes its ISA equivalent (active -> active_unacked, acknowledged -> active_acked, cleared ->
 * normal), priorities come from the severity, and the one-open-alarm index still holds. On
 * PGlite (a data directory reopened) and PostgreSQL (a schema migrated twice).
 */
import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { upgradeTests } from '../../tests/migration-upgrade';
import { alertsRepo } from './alerts-repo';
import type { Database } from './client';

async function seedOldAlerts(database: Database): Promise<void> {
  await database.db.execute(sql`
    insert into alert_rules (id, asset_id, signal, severity, low, high) values
      ('00000000-0000-4000-8000-000000000001', 'a', 'temperature', 'critical', 0, 10),
      ('00000000-0000-4000-8000-000000000002', 'a', 'pressure', 'warning', 0, 10),
      ('00000000-0000-4000-8000-000000000003', 'a', 'flow', 'warning', 0, 10)`);
  await database.db.execute(sql`
    insert into alerts (rule_id, asset_id, signal, severity, direction, limit_value, value, peak, state, raised_at, cleared_at) values
      ('00000000-0000-4000-8000-000000000001', 'a', 'temperature', 'critical', 'high', 10, 11, 12, 'active', now(), null),
      ('00000000-0000-4000-8000-000000000002', 'a', 'pressure', 'warning', 'high', 10, 11, 11, 'acknowledged', now(), null),
      ('00000000-0000-4000-8000-000000000003', 'a', 'flow', 'warning', 'low', 0, -1, -2, 'cleared', now(), now())`);
}

async function expectMigrated(database: Database): Promise<void> {
  const repo = alertsRepo(database.db);
  const alarms = (await repo.list({ assetId: 'a' })).map((a) => [a.signal, a.state, a.priority]).sort();
  expect(alarms).toEqual([
    ['flow', 'normal', 'medium'],
    ['pressure', 'active_acked', 'medium'],
    ['temperature', 'active_unacked', 'high'],
  ]);
  expect((await repo.listRules('a')).map((r) => [r.signal, r.priority]).sort()).toEqual([
    ['flow', 'medium'],
    ['pressure', 'medium'],
    ['temperature', 'high'],
  ]);
  // Still one open alarm per rule: the temperature rule's is open, the flow rule's closed.
  const raise = (ruleId: string, signal: string) =>
    repo.openAlert({
      ruleId,
      assetId: 'a',
      signal,
      severity: 'warning',
      direction: 'high',
      limit: 10,
      value: 11,
      raisedAt: Date.now(),
    });
  expect(await raise('00000000-0000-4000-8000-000000000001', 'temperature')).toBeNull();
  expect(await raise('00000000-0000-4000-8000-000000000003', 'flow')).toMatchObject({ state: 'active_unacked' });
}

describe('ISA-18.2 alarm migration over first-round alerts', () => {
  upgradeTests({ tag: /_isa_alarms$/, seed: seedOldAlerts, check: expectMigrated, timeoutMs: 120_000 });
});
