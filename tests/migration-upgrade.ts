/**
 * Tests of a data migration on a database that already holds data: the database is created with
 * the migrations before the one under test, seeded, closed, then opened again with every
 * migration, as an upgraded console would. On PGlite (a data directory reopened) and PostgreSQL
 * (a schema of its own, migrated twice, dropped after).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../lib/db/client';
import { TEST_DATABASE_URL } from './db-targets';

const MIGRATIONS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'lib', 'db', 'migrations');

/** A copy of the migrations folder as it was before the migration whose tag matches `tag`. */
function migrationsBefore(dir: string, tag: RegExp): string {
  const out = path.join(dir, 'migrations');
  cpSync(MIGRATIONS, out, { recursive: true });
  const journalPath = path.join(out, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => tag.test(e.tag));
  expect(cut).toBeGreaterThan(0);
  for (const e of journal.entries.slice(cut)) rmSync(path.join(out, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return out;
}

export interface UpgradeCase {
  /** The migration under test, by its tag without the number (e.g. /_isa_alarms$/). */
  tag: RegExp;
  /** Stores data as the console did before that migration. */
  seed(old: Database): Promise<void>;
  /** Asserts what the upgraded database holds. */
  check(migrated: Database): Promise<void>;
  timeoutMs?: number;
}

/** Declares the two tests (PGlite, PostgreSQL) of an upgrade; call inside a describe. */
export function upgradeTests(c: UpgradeCase): void {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function upgrade(dir: string, target: { pgliteDir: string } | { url: string; pgSchema: string }) {
    const old = await openDatabase({ ...target, migrationsDir: migrationsBefore(dir, c.tag) });
    await c.seed(old);
    await old.close();
    const migrated = await openDatabase(target);
    cleanups.push(() => migrated.close());
    await c.check(migrated);
  }

  it('on PGlite', { timeout: c.timeoutMs }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'twinops-migration-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await upgrade(dir, { pgliteDir: path.join(dir, 'db') });
  });

  it('on PostgreSQL', { timeout: c.timeoutMs }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'twinops-migration-'));
    const schema = `t_${randomBytes(6).toString('hex')}`;
    cleanups.push(async () => {
      rmSync(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });
    await upgrade(dir, { url: TEST_DATABASE_URL, pgSchema: schema });
  });
}
