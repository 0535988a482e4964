/**
 * The telemetry rollup (table `telemetry_rollup`): per asset, signal and 10 s bucket, the count
 * and the min and max with the times they happened. It is kept in step with every telemetry
 * insert, in the same transaction, so downsampling a long range reads ~1/100 of the rows at
 * 10 Hz (lib/db/telemetry-repo.ts `downsample`).
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import type { Point } from '../twin/types';

export const ROLLUP_BUCKET_MS = 10_000;

export interface RollupRow {
  assetId: string;
  signal: string;
  bucket: number;
  n: number;
  min: number;
  minTs: number;
  max: number;
  maxTs: number;
}

/** Signals of a point that the rollup keeps: every numeric feature, the prediction, its band and the measured value. */
function* signalsOf(point: Point): Generator<[string, number]> {
  for (const [name, v] of Object.entries(point.values)) if (Number.isFinite(v)) yield [name, v];
  if (point.prediction !== null && Number.isFinite(point.prediction)) yield ['prediction', point.prediction];
  if (point.lower !== null && Number.isFinite(point.lower)) yield ['lower', point.lower];
  if (point.upper !== null && Number.isFinite(point.upper)) yield ['upper', point.upper];
  if (point.actual !== undefined && Number.isFinite(point.actual)) yield ['actual', point.actual];
}

/**
 * One rollup row per (asset, signal, bucket) touched by `rows` (a statement may not upsert the
 * same row twice). Ties keep the earliest time, as the query side expects.
 */
export function rollupOf(rows: { assetId: string; point: Point }[]): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const { assetId, point } of rows) {
    const bucket = Math.floor(point.ts / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    for (const [signal, v] of signalsOf(point)) {
      const key = `${assetId}\u0000${signal}\u0000${bucket}`;
      const r = out.get(key);
      if (!r) {
        out.set(key, { assetId, signal, bucket, n: 1, min: v, minTs: point.ts, max: v, maxTs: point.ts });
        continue;
      }
      r.n++;
      if (v < r.min || (v === r.min && point.ts < r.minTs)) {
        r.min = v;
        r.minTs = point.ts;
      }
      if (v > r.max || (v === r.max && point.ts < r.maxTs)) {
        r.max = v;
        r.maxTs = point.ts;
      }
    }
  }
  return [...out.values()];
}

/** Rollup rows per statement (one array parameter per column, see insertNewTelemetry). */
const CHUNK = 5_000;

/** Merges `rows` into the stored rollup (new buckets inserted, existing ones widened). */
export async function upsertRollup(db: Db, unsorted: RollupRow[]): Promise<void> {
  // Rows locked in one order by every transaction (see insertNewTelemetry): no deadlock between
  // concurrent group commits touching the same buckets.
  const key = (r: RollupRow) => `${r.assetId}\u0000${r.signal}\u0000${String(r.bucket).padStart(16, '0')}`;
  const rows = unsorted.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map(([, r]) => r);
    const col = <T>(f: (r: RollupRow) => T) => sql.param(chunk.map(f));
    const iso = (ms: number) => new Date(ms).toISOString();
    await db.execute(sql`
      insert into telemetry_rollup as r (asset_id, signal, bucket, n, min, min_ts, max, max_ts)
      select u.asset_id, u.signal, u.bucket::timestamptz, u.n, u.min, u.min_ts::timestamptz, u.max, u.max_ts::timestamptz
      from unnest(
        ${col((r) => r.assetId)}::text[], ${col((r) => r.signal)}::text[], ${col((r) => iso(r.bucket))}::text[],
        ${col((r) => r.n)}::int[], ${col((r) => r.min)}::float8[], ${col((r) => iso(r.minTs))}::text[],
        ${col((r) => r.max)}::float8[], ${col((r) => iso(r.maxTs))}::text[]
      ) as u(asset_id, signal, bucket, n, min, min_ts, max, max_ts)
      on conflict (asset_id, signal, bucket) do update set
        n = r.n + excluded.n,
        min_ts = case when excluded.min < r.min or (excluded.min = r.min and excluded.min_ts < r.min_ts) then excluded.min_ts else r.min_ts end,
        min = least(r.min, excluded.min),
        max_ts = case when excluded.max > r.max or (excluded.max = r.max and excluded.max_ts < r.max_ts) then excluded.max_ts else r.max_ts end,
        max = greatest(r.max, excluded.max)`);
  }
}

/**
 * Rebuilds the rollup of one asset from its stored telemetry (for rows written around the
 * repository, e.g. a bulk SQL load; the 0004 migration runs the same statement for all assets).
 */
export async function rebuildRollup(db: Db, assetId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from telemetry_rollup where asset_id = ${assetId}`);
    await tx.execute(sql`
      insert into telemetry_rollup (asset_id, signal, bucket, n, min, min_ts, max, max_ts)
      select s.asset_id, s.signal, to_timestamp(floor(extract(epoch from s.ts) / 10) * 10), count(*)::int,
             min(s.v), (array_agg(s.ts order by s.v asc, s.ts asc))[1],
             max(s.v), (array_agg(s.ts order by s.v desc, s.ts asc))[1]
      from (
        select t.asset_id, t.ts, e.key as signal, (e.value)::text::float8 as v
        from telemetry t, jsonb_each(t.values) e where t.asset_id = ${assetId} and jsonb_typeof(e.value) = 'number'
        union all select asset_id, ts, 'prediction', prediction from telemetry where asset_id = ${assetId} and prediction is not null
        union all select asset_id, ts, 'lower', lower from telemetry where asset_id = ${assetId} and lower is not null
        union all select asset_id, ts, 'upper', upper from telemetry where asset_id = ${assetId} and upper is not null
        union all select asset_id, ts, 'actual', actual from telemetry where asset_id = ${assetId} and actual is not null
      ) s
      group by 1, 2, 3`);
  });
}
