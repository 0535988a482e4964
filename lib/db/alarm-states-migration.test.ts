/**
 * The ISA-18.2 migration on a database that already holds first-round alerts: every old state
 * becomes its ISA equivalent (active -> active_unacked, acknowledged -> active_acked, cleared ->
 * normal), priorities come from the severity, and the one-open-alarm index still holds. On
 * PGlite (a data directory reopened) and PostgreSQL (a schema migrated twice).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import { alertsRepo } from './alerts-repo';
import { openDatabase, type Database } from './client';

const MIGRATIONS = path.join(path.dirname(new URL(import.meta.url).pathname), 'migrations');
const ALARMS_TAG = /_isa_alarms$/;

/** The migrations folder as it was before the ISA-18.2 migration. */
function migrationsBefore(dir: string): string {
  const out = path.join(dir, 'migrations');
  cpSync(MIGRATIONS, out, { recursive: true });
  const journalPath = path.join(out, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => ALARMS_TAG.test(e.tag));
  expect(cut).toBeGreaterThan(0);
  for (const e of journal.entries.slice(cut)) rmSync(path.join(out, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return out;
}

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
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('on PGlite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'twinops-alarm-migration-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const old = await openDatabase({ pgliteDir: path.join(dir, 'db'), migrationsDir: migrationsBefore(dir) });
    await seedOldAlerts(old);
    await old.close();
    const migrated = await openDatabase({ pgliteDir: path.join(dir, 'db') });
    cleanups.push(() => migrated.close());
    await expectMigrated(migrated);
  });

  it('on PostgreSQL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'twinops-alarm-migration-'));
    const schema = `t_${randomBytes(6).toString('hex')}`;
    cleanups.push(async () => {
      rmSync(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });
    const old = await openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema, migrationsDir: migrationsBefore(dir) });
    await seedOldAlerts(old);
    await old.close();
    const migrated = await openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema });
    cleanups.push(() => migrated.close());
    await expectMigrated(migrated);
  });
});
