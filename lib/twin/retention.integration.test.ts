/**
 * Retention over the day-partitioned telemetry table, as an installation that has run for 40
 * days sees it: readings land in their day's partition, a late reading older than every partition
 * in the DEFAULT one; a pass drops the days wholly older than RETENTION_DAYS (gone from pg_class,
 * not only detached), deletes the DEFAULT partition's old rows and the rollup before the same
 * cut-off, makes the days ahead, and leaves the newer readings readable in History. Live inserts
 * keep succeeding while partitions are made and dropped.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Database } from '../db/client';
import { telemetryHistoryRepo } from '../db/telemetry-history-repo';
import { DAY_MS, dayStart, partitionName, telemetryPartitions } from '../db/telemetry-partitions';
import { telemetryRepo } from '../db/telemetry-repo';
import { logger } from '../log';
import { createRetentionJob } from './retention';
import type { Point } from './types';

// Noon today: the migration made today's partition and the next 7 days'.
const NOW = dayStart(Date.now()) + DAY_MS / 2;
const KEEP_FROM = dayStart(NOW - 30 * DAY_MS);
const HOUR = 3_600_000;
const pt = (ts: number, temperature = 350): Point => ({
  seq: 0,
  ts,
  values: { temperature, pressure: 6, flow: 100 },
  prediction: 85,
  lower: 84,
  upper: 86,
  modelVersion: '1.0.0',
  inferenceMs: 1,
  flags: [],
});

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

describe.each(DB_TARGETS)('retention by partitions on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  // reactor-1: one reading every 6 h over the last 40 days; reactor-2: one a day at 03:00.
  const r1 = Array.from({ length: 40 * 4 }, (_, i) => dayStart(NOW - 40 * DAY_MS) + i * 6 * HOUR);
  const r2 = Array.from({ length: 40 }, (_, i) => dayStart(NOW - 40 * DAY_MS) + i * DAY_MS + 3 * HOUR);
  const LATE = NOW - 45 * DAY_MS;
  beforeAll(async () => {
    database = await target.open();
    // The 40 days before today as the hourly job would have made them.
    await telemetryPartitions(database.db).ensure(NOW - 40 * DAY_MS, dayStart(NOW));
    const repo = telemetryRepo(database.db);
    await repo.insertMany([
      ...r1.map((ts) => ({ assetId: 'reactor-1', point: pt(ts) })),
      ...r2.map((ts) => ({ assetId: 'reactor-2', point: pt(ts) })),
    ]);
  }, 120_000);
  afterAll(() => database?.drop());

  const partOf = async () =>
    rowsOf<{ asset_id: string; ms: number; part: string }>(
      await database.db.execute(sql`
        select asset_id, round(extract(epoch from ts) * 1000)::float8 as ms, tableoid::regclass::text as part from telemetry`),
    );

  it('stores each reading in its UTC day partition', async () => {
    const rows = await partOf();
    expect(rows).toHaveLength(r1.length + r2.length);
    for (const r of rows) expect(r.part, new Date(r.ms).toISOString()).toBe(partitionName(dayStart(r.ms)));
  });

  it('stores a late reading older than every partition in the DEFAULT one, readable in History', async () => {
    await telemetryRepo(database.db).insertMany([{ assetId: 'reactor-1', point: pt(LATE, 123) }]);
    expect((await partOf()).find((r) => r.ms === LATE)?.part).toBe('telemetry_default');
    const read = await telemetryRepo(database.db).range('reactor-1', new Date(LATE - HOUR), new Date(LATE + HOUR));
    expect(read.map((p) => [p.ts, p.values.temperature])).toEqual([[LATE, 123]]);
  });

  it('moves DEFAULT rows into a day partition made for their day', async () => {
    const day = dayStart(NOW - 60 * DAY_MS);
    await telemetryRepo(database.db).insertMany([{ assetId: 'reactor-3', point: pt(day + HOUR) }]);
    expect((await partOf()).find((r) => r.asset_id === 'reactor-3')?.part).toBe('telemetry_default');
    expect(await telemetryPartitions(database.db).ensure(day, day + DAY_MS)).toEqual([partitionName(day)]);
    expect((await partOf()).find((r) => r.asset_id === 'reactor-3')?.part).toBe(partitionName(day));
  });

  it('makes a day once when two passes make it at the same time', async () => {
    const day = dayStart(NOW) + 40 * DAY_MS;
    const made = await Promise.all([
      telemetryPartitions(database.db).ensure(day, day + DAY_MS),
      telemetryPartitions(database.db).ensure(day, day + DAY_MS),
    ]);
    expect(made.flat()).toEqual([partitionName(day)]);
  });

  it('drops whole old days, keeps the newer readings readable, makes the days ahead', async () => {
    const job = createRetentionJob({
      partitions: telemetryPartitions(database.db),
      retentionDays: 30,
      logger,
      batchSize: 100,
      aheadDays: 9,
      now: () => NOW,
    });
    const oldDays = Array.from({ length: 10 }, (_, i) => partitionName(dayStart(NOW - 40 * DAY_MS) + i * DAY_MS));
    const result = await job.runOnce();
    // The 10 oldest of the 40 days and the 60-day-old one; the late reading went from DEFAULT.
    expect(result.partitionsDropped.sort()).toEqual([partitionName(dayStart(NOW - 60 * DAY_MS)), ...oldDays].sort());
    expect(result.rowsDropped).toBe(10 * 4 + 10 + 1);
    expect(result.rowsDeleted).toBe(1);
    expect(result.rollupDeleted).toBeGreaterThan(0);
    expect(result.keepFrom).toBe(new Date(KEEP_FROM).toISOString());
    expect(result.partitionsCreated).toEqual(
      expect.arrayContaining([partitionName(dayStart(NOW) + 8 * DAY_MS), partitionName(dayStart(NOW) + 9 * DAY_MS)]),
    );

    // Gone from the catalogue, not only detached.
    const attached = rowsOf<{ name: string }>(
      await database.db.execute(sql`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'telemetry'::regclass`),
    ).map((r) => r.name);
    const tables = rowsOf<{ name: string }>(
      // This test's schema only (the search path's first): other tests and benches share the database.
      await database.db.execute(
        sql`select relname as name from pg_class where relname like 'telemetry_p%' and relnamespace = current_schema()::regnamespace`,
      ),
    ).map((r) => r.name);
    for (const name of result.partitionsDropped) {
      expect(attached).not.toContain(name);
      expect(tables).not.toContain(name);
    }
    expect(attached).toContain(partitionName(KEEP_FROM));
    expect(attached).toContain('telemetry_default');

    // Every reading from KEEP_FROM on is still there and readable; nothing older is.
    const repo = telemetryRepo(database.db);
    const kept = await repo.range('reactor-1', new Date(0), new Date(NOW + DAY_MS));
    expect(kept.map((p) => p.ts)).toEqual(r1.filter((ts) => ts >= KEEP_FROM));
    expect(await repo.count('reactor-2')).toBe(r2.filter((ts) => ts >= KEEP_FROM).length);
    // The day holding the cut-off is kept whole: readings up to a day older than RETENTION_DAYS.
    expect(kept.some((p) => p.ts < NOW - 30 * DAY_MS)).toBe(true);
    const history = telemetryHistoryRepo(database.db);
    const exported: number[] = [];
    for await (const page of history.exportRows('reactor-1', 0, NOW + DAY_MS, 25))
      exported.push(...page.map((p) => p.ts));
    expect(exported).toEqual(kept.map((p) => p.ts));
    // Raw rows and rollup agree: a long range (read from the rollup) counts the kept readings only.
    const buckets = await history.downsample('reactor-1', NOW - 50 * DAY_MS, NOW, 50, [
      { kind: 'feature', name: 'temperature' },
    ]);
    expect(buckets.reduce((n, b) => n + b.bucket.count, 0)).toBe(kept.length);
    expect(Math.min(...buckets.map((b) => b.bucket.extremes[0]![1]))).toBe(KEEP_FROM);

    const again = await job.runOnce();
    expect([again.partitionsDropped, again.rowsDeleted, again.partitionsCreated]).toEqual([[], 0, []]);
    await job.stop();
  });

  it('keeps live inserts succeeding while partitions are made and dropped', { timeout: 120_000 }, async () => {
    const partitions = telemetryPartitions(database.db);
    const repo = telemetryRepo(database.db);
    // Twenty old days with readings, to drop while the live writer runs.
    const first = dayStart(NOW - 200 * DAY_MS);
    await partitions.ensure(first, first + 20 * DAY_MS);
    await repo.insertMany(Array.from({ length: 20 }, (_, i) => ({ assetId: 'old', point: pt(first + i * DAY_MS) })));

    let writing = true;
    let written = 0;
    let slowest = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const t0 = performance.now();
        // Today's partition, as the live pipeline writes.
        const batch = Array.from({ length: 50 }, (_, k) => ({
          assetId: 'live',
          point: pt(dayStart(NOW) + i * 50 + k),
        }));
        written += (await repo.insertNew(batch)).length;
        slowest = Math.max(slowest, performance.now() - t0);
      }
    })();
    const made = await partitions.ensure(dayStart(NOW) + 20 * DAY_MS, dayStart(NOW) + 30 * DAY_MS);
    const dropped = await partitions.dropBefore(first + 20 * DAY_MS);
    writing = false;
    await writer;

    expect(made).toHaveLength(10);
    expect(dropped.map((p) => p.rows)).toEqual(Array.from({ length: 20 }, () => 1));
    expect(written).toBeGreaterThan(0);
    expect(await repo.count('live')).toBe(written);
    expect(await repo.count('old')).toBe(0);
    // Not a timing target: a DDL step waits at most its lock_timeout, never for the whole pass.
    expect(slowest).toBeLessThan(10_000);
  });
});
