/**
 * The partitioning migration on a database that already holds telemetry: every row is kept (same
 * id, values, seq, pending), lands in its day's partition, the id sequence continues after the
 * old ids, (asset, ts) stays unique, and each stream's last seq is carried over to
 * asset_streams.last_seq. On PGlite (a data directory reopened) and PostgreSQL (a schema migrated
 * twice).
 */
import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { upgradeTests } from '../../tests/migration-upgrade';
import type { Database } from './client';
import { telemetryRepo } from './telemetry-repo';
import { DAY_MS, dayStart, partitionName } from './telemetry-partitions';

// Readings of three days long before today (the migration makes a partition for each) and one now.
const OLD = dayStart(Date.parse('2026-10-05T00:00:00Z'));
const TIMES = [OLD + 3_600_000, OLD + DAY_MS + 60_000, OLD + 2 * DAY_MS + 7_200_000, Date.now() - 60_000];

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

async function seedOldTelemetry(database: Database): Promise<void> {
  await database.db.execute(sql`
    insert into telemetry (asset_id, ts, "values", prediction, seq, pending)
    select 'reactor-1', to_timestamp(t / 1000.0), jsonb_build_object('temperature', 350 + i), 85, i, false
    from unnest(${sql.param(TIMES)}::float8[]) with ordinality as u(t, i)`);
  await database.db.execute(sql`
    insert into telemetry (asset_id, ts, "values", pending) values ('reactor-2', ${new Date(TIMES[0]!)}, '{"temperature": 1}', true)`);
  await database.db.execute(sql`insert into asset_streams (asset_id, epoch, owner) values ('reactor-1', 'e1', 'i1')`);
}

async function expectMigrated(database: Database): Promise<void> {
  const rows = rowsOf<{
    id: number;
    asset_id: string;
    ms: number;
    t: number;
    seq: number | null;
    pending: boolean;
    part: string;
  }>(
    await database.db.execute(sql`
      select id::float8 as id, asset_id, round(extract(epoch from ts) * 1000)::float8 as ms, ("values"->>'temperature')::float8 as t,
             seq::float8 as seq, pending, tableoid::regclass::text as part
      from telemetry order by id`),
  );
  expect(rows.map((r) => [r.asset_id, r.ms, r.t, r.seq, r.pending])).toEqual([
    ...TIMES.map((t, i) => ['reactor-1', t, 351 + i, i + 1, false]),
    ['reactor-2', TIMES[0], 1, null, true],
  ]);
  expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  // Each row in its UTC day's partition.
  expect(rows.map((r) => r.part)).toEqual(rows.map((r) => partitionName(dayStart(r.ms))));
  // Attached partitions: the three old days, today and the next 7, and the DEFAULT one.
  const parts = rowsOf<{ name: string }>(
    await database.db.execute(sql`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'telemetry'::regclass order by 1`),
  ).map((p) => p.name);
  const today = dayStart(Date.now());
  expect(parts).toEqual(
    expect.arrayContaining([
      'telemetry_default',
      ...[0, 1, 2].map((d) => partitionName(OLD + d * DAY_MS)),
      partitionName(today),
      partitionName(today + 7 * DAY_MS),
    ]),
  );
  const [stream] = rowsOf<{ last_seq: number }>(
    await database.db.execute(sql`select last_seq::float8 as last_seq from asset_streams where asset_id = 'reactor-1'`),
  );
  expect(stream?.last_seq).toBe(TIMES.length);
  // New rows: ids after the old ones; a repeat of a stored (asset, ts) is still skipped.
  const point = (ts: number) => ({
    assetId: 'reactor-1',
    point: {
      seq: 0,
      ts,
      values: { temperature: 1 },
      prediction: null,
      lower: null,
      upper: null,
      modelVersion: null,
      inferenceMs: null,
      flags: [],
    },
  });
  const inserted = await telemetryRepo(database.db).insertNew([point(TIMES[1]!), point(Date.now())]);
  expect(inserted.map((r) => r.point.ts)).not.toContain(TIMES[1]);
  expect(inserted).toHaveLength(1);
  const [last] = rowsOf<{ id: number }>(await database.db.execute(sql`select max(id)::float8 as id from telemetry`));
  expect(last?.id).toBeGreaterThan(5);
}

describe('telemetry partitioning migration over stored telemetry', () => {
  upgradeTests({ tag: /_telemetry_partitions$/, seed: seedOldTelemetry, check: expectMigrated, timeoutMs: 180000 });
});
