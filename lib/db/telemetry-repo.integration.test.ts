import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TARGETS } from '../../tests/db-targets';
import type { Point } from '../twin/types';
import type { Database } from './client';
import { telemetryHistoryRepo, type ExportRow } from './telemetry-history-repo';
import { telemetryPartitions } from './telemetry-partitions';
import { telemetryRepo } from './telemetry-repo';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const N = 3_600; // one hour at 1 Hz
const SPIKE_AT = 1_234;
const DIP_AT = 2_345;

/** A smooth hour with one temperature spike, one pressure dip, and no prediction in one stretch. */
function point(i: number): Point {
  const noPrediction = i >= 3_000 && i < 3_010;
  return {
    seq: i,
    ts: T0 + i * 1_000,
    values: {
      temperature: i === SPIKE_AT ? 999 : 350 + Math.sin(i / 100),
      pressure: i === DIP_AT ? 0.5 : 6 + Math.cos(i / 50) / 10,
      flow: 100,
    },
    prediction: noPrediction ? null : 80 + (i % 10),
    lower: noPrediction ? null : 78 + (i % 10),
    upper: noPrediction ? null : 82 + (i % 10) + (i === 42 ? 50 : 0),
    modelVersion: '1.0.0',
    inferenceMs: 1,
    flags: noPrediction ? ['out_of_range'] : [],
    actual: 81,
  };
}

describe.each(DB_TARGETS)('telemetry history on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    const repo = telemetryRepo(database.db);
    for (let i = 0; i < N; i += 1_000) {
      await repo.insertMany(
        Array.from({ length: Math.min(1_000, N - i) }, (_, k) => ({ assetId: 'reactor-1', point: point(i + k) })),
      );
    }
    // Another asset in the same range must never leak in.
    await repo.insertMany([
      { assetId: 'reactor-2', point: { ...point(10), values: { temperature: 5_000, pressure: 6, flow: 100 } } },
    ]);
  }, 60_000);
  afterAll(() => database?.drop());

  const features = [
    { kind: 'feature', name: 'temperature' },
    { kind: 'feature', name: 'pressure' },
    { kind: 'column', name: 'prediction' },
  ] as const;

  it('finds each asset its newest stored reading (none: absent)', async () => {
    const latest = await telemetryRepo(database.db).latestTs(['reactor-1', 'reactor-2', 'nobody']);
    expect(latest.get('reactor-1')).toBe(T0 + (N - 1) * 1_000);
    expect(latest.get('reactor-2')).toBe(point(10).ts);
    expect(latest.has('nobody')).toBe(false);
    expect((await telemetryRepo(database.db).latestTs([])).size).toBe(0);
  });

  it('downsamples in one query and keeps each spike at the time it happened', async () => {
    const rows = await telemetryHistoryRepo(database.db).downsample('reactor-1', T0, T0 + N * 1_000 - 1, 50, [
      ...features,
    ]);
    // At most the 50 asked for (72 s buckets are read from the 10 s rollup as 80 s ones: 45).
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(rows.length).toBeGreaterThanOrEqual(45);
    expect(rows.reduce((n, r) => n + r.bucket.count, 0)).toBe(N);
    const temps = rows.map((r) => r.bucket.extremes[0]!);
    const spike = temps.find((e) => e[2] === 999);
    expect(spike).toBeDefined();
    expect(spike![3]).toBe(T0 + SPIKE_AT * 1_000);
    const dip = rows.map((r) => r.bucket.extremes[1]!).find((e) => e[0] === 0.5);
    expect(dip![1]).toBe(T0 + DIP_AT * 1_000);
    // The band is the envelope of the bucket: the one wide upper bound survives.
    expect(Math.max(...rows.map((r) => r.bucket.upper ?? 0))).toBe(82 + 2 + 50);
    // Buckets are in time order and the min/max times fall inside their bucket.
    for (const { start, end, bucket } of rows) {
      const [, minT, , maxT] = bucket.extremes[0]!;
      for (const t of [minT, maxT]) {
        expect(t).toBeGreaterThanOrEqual(start);
        expect(t).toBeLessThan(end);
      }
    }
    expect(rows.map((r) => r.start)).toEqual([...rows.map((r) => r.start)].sort((a, b) => a - b));
  });

  it('returns every reading when the buckets are finer than the data', async () => {
    const rows = await telemetryHistoryRepo(database.db).downsample('reactor-1', T0 + 2_990_000, T0 + 3_019_999, 100, [
      ...features,
    ]);
    expect(rows.reduce((n, r) => n + r.bucket.count, 0)).toBe(30);
    const withPrediction = rows.filter((r) => r.bucket.extremes[2] !== null);
    expect(withPrediction.length).toBe(20);
  });

  it('exports every row of a range in (ts, id) order, page by page', async () => {
    const pages: ExportRow[][] = [];
    for await (const page of telemetryHistoryRepo(database.db).exportRows(
      'reactor-1',
      T0 + 100_000,
      T0 + 2_599_000,
      700,
    ))
      pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([700, 700, 700, 400]);
    const rows = pages.flat();
    expect(rows.map((r) => r.ts)).toEqual(Array.from({ length: 2_500 }, (_, k) => T0 + (100 + k) * 1_000));
    const spike = rows.find((r) => r.ts === T0 + SPIKE_AT * 1_000)!;
    expect(spike.values.temperature).toBe(999);
    expect(spike).toMatchObject({ prediction: 80 + (SPIKE_AT % 10), actual: 81, modelVersion: '1.0.0' });
  });

  it('keeps the rollup in step when one 10 s bucket arrives in several batches', async () => {
    const repo = telemetryRepo(database.db);
    const t = Date.parse('2026-11-21T00:00:00Z');
    const at = (k: number, temperature: number): { assetId: string; point: Point } => ({
      assetId: 'reactor-3',
      point: { ...point(0), ts: t + k * 1_000, values: { temperature, pressure: 6, flow: 100 } },
    });
    // Minute 0: three batches write into its buckets, the extremes in different batches.
    await repo.insertMany([at(1, 350), at(2, 351)]);
    await repo.insertMany([at(3, 390), at(4, 349)]);
    await repo.insertMany([at(5, 310), at(12, 352)]);
    const rows = await telemetryHistoryRepo(database.db).downsample('reactor-3', t, t + 60_000 - 1, 3, [
      { kind: 'feature', name: 'temperature' },
    ]);
    expect(rows.map((r) => r.bucket.count)).toEqual([6]);
    expect(rows[0]!.bucket.extremes[0]).toEqual([310, t + 5_000, 390, t + 3_000]);
    // The same range at 1 s buckets comes from the raw rows and agrees.
    const raw = await telemetryHistoryRepo(database.db).downsample('reactor-3', t, t + 60_000 - 1, 60, [
      { kind: 'feature', name: 'temperature' },
    ]);
    expect(raw.reduce((n, r) => n + r.bucket.count, 0)).toBe(6);
    expect(Math.max(...raw.map((r) => r.bucket.extremes[0]![2]))).toBe(390);
  });

  it('returns exactly the rows a partly repeated batch stored (the rollup counts only those)', async () => {
    const repo = telemetryRepo(database.db);
    const t = Date.parse('2026-11-22T00:00:00Z');
    const at = (assetId: string, k: number, temperature = 350): { assetId: string; point: Point } => ({
      assetId,
      point: { ...point(0), ts: t + k * 1_000, values: { temperature, pressure: 6, flow: 100 } },
    });
    const first = [at('reactor-4', 1), at('reactor-5', 1)];
    expect(await repo.insertNew(first)).toEqual(first);
    // Retried rows of both assets, new ones between them, and one new row twice in the batch.
    const newOnes = [at('reactor-4', 2, 999), at('reactor-5', 3)];
    const batch = [at('reactor-5', 1, 1), newOnes[1]!, at('reactor-4', 1, 1), newOnes[0]!, at('reactor-4', 2, 1)];
    const stored = await repo.insertNew(batch);
    expect(stored).toHaveLength(2);
    expect(new Set(stored)).toEqual(new Set(newOnes));
    expect(await repo.count('reactor-4')).toBe(2);
    const rows = await telemetryHistoryRepo(database.db).downsample('reactor-4', t, t + 10_000 - 1, 1, [
      { kind: 'feature', name: 'temperature' },
    ]);
    // Rollup of reactor-4: its two stored rows, not the repeats (n 2, max 999 at 2 s).
    expect(rows.map((r) => r.bucket.count)).toEqual([2]);
    expect(rows[0]!.bucket.extremes[0]).toEqual([350, t + 1_000, 999, t + 2_000]);
  });

  it('deletes only the DEFAULT partition rows older than the cutoff, in batches, and the rollup before it', async () => {
    const repo = telemetryHistoryRepo(database.db);
    const partitions = telemetryPartitions(database.db);
    // These readings are of days without a partition (weeks before the migration made them): DEFAULT.
    const inDefault = await database.db.execute(
      sql`select count(*)::int as n from telemetry_default where asset_id in ('reactor-1', 'reactor-2')`,
    );
    expect((inDefault as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(N + 1);
    const cutoff = new Date(T0 + 500_000);
    expect(await partitions.deleteDefaultBefore(cutoff.getTime(), 200)).toBe(200);
    // reactor-1's other 300 and reactor-2's one reading (at T0 + 10 s).
    expect(await partitions.deleteDefaultBefore(cutoff.getTime(), 1_000)).toBe(301);
    expect(await partitions.deleteDefaultBefore(cutoff.getTime(), 1_000)).toBe(0);
    expect(await telemetryRepo(database.db).count('reactor-1')).toBe(N - 500);
    expect(await telemetryRepo(database.db).count('reactor-2')).toBe(0);
    expect(await partitions.deleteRollupBefore(cutoff.getTime())).toBeGreaterThan(0);
    // The rollup of the deleted range went too: a downsample of it finds nothing.
    expect(
      await repo.downsample('reactor-1', T0, cutoff.getTime() - 10_001, 10, [{ kind: 'feature', name: 'temperature' }]),
    ).toEqual([]);
    expect(
      (
        await repo.downsample('reactor-1', cutoff.getTime(), T0 + N * 1_000 - 1, 10, [
          { kind: 'feature', name: 'temperature' },
        ])
      ).length,
    ).toBeGreaterThan(0);
  });
});

describe.each(DB_TARGETS)('every rollup level on $name', (target) => {
  // Three days at one reading per 20 s, in batches that split buckets of every level.
  const START = Date.parse('2026-10-01T00:07:00Z');
  const STEP = 20_000;
  const COUNT = (3 * 86_400_000) / STEP;
  let seed = 7;
  const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
  const readings = Array.from({ length: COUNT }, (_, i) => ({
    ts: START + i * STEP,
    temperature: 300 + random() * 100 + (i % 997 === 0 ? 500 : 0),
  }));
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    const repo = telemetryRepo(database.db);
    for (let i = 0; i < COUNT; i += 777) {
      await repo.insertMany(
        readings.slice(i, i + 777).map((r, k) => ({
          assetId: 'reactor-9',
          point: { ...point(i + k), ts: r.ts, values: { temperature: r.temperature, pressure: 6, flow: 100 } },
        })),
      );
    }
  }, 120_000);
  afterAll(() => database?.drop());

  // Bucket counts whose widths pick the 10 s, 1 min, 5 min, 15 min and 1 h levels.
  it.each([10_000, 4_000, 800, 250, 60])(
    '%i buckets: the same extremes and counts as the raw rows',
    async (buckets) => {
      const from = START + 3_333;
      const to = START + COUNT * STEP - 50_000;
      const rows = await telemetryHistoryRepo(database.db).downsample('reactor-9', from, to, buckets, [
        { kind: 'feature', name: 'temperature' },
      ]);
      expect(rows.length).toBeGreaterThan(buckets * 0.75);
      for (const { start, end, bucket } of rows) {
        const inside = readings.filter((r) => r.ts >= start && r.ts < end && r.ts >= from && r.ts <= to);
        expect(bucket.count).toBe(inside.length);
        const min = inside.reduce((a, b) => (b.temperature < a.temperature ? b : a));
        const max = inside.reduce((a, b) => (b.temperature > a.temperature ? b : a));
        expect(bucket.extremes[0]).toEqual([min.temperature, min.ts, max.temperature, max.ts]);
      }
      expect(rows.reduce((n, r) => n + r.bucket.count, 0)).toBe(
        readings.filter((r) => r.ts >= from && r.ts <= to).length,
      );
    },
  );
});
