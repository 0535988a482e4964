/**
 * The telemetry rollup (table `telemetry_rollup`): per asset, signal and bucket, the count and
 * the min and max with the times they happened, at five bucket widths (10 s, 1 min, 5 min,
 * 15 min, 1 h). Every level is kept in step with every telemetry insert, in the same transaction and
 * the same statement, so downsampling a long range reads few rows whatever its length
 * (lib/db/telemetry-repo.ts `downsample` picks the level): a day is 8,640 10 s buckets per
 * signal, a month 8,640 5 min buckets, a year 8,760 1 h buckets.
 */
import { sql } from 'drizzle-orm';
import { fromEpochMs, numberArray, textArray } from './array-params';
import type { Db } from './client';
import type { Point } from '../twin/types';

/**
 * Bucket widths kept, finest first: 10 s, 1 min, 5 min, 15 min, 1 h. A range is read from the
 * coarsest level that still gives ~the resolution asked for (see rollupLevelFor), so 2,000 points
 * of a day, a week, a month, a quarter or a year each read about 8,000-10,000 buckets per signal.
 */
export const ROLLUP_LEVELS_S = [10, 60, 300, 900, 3600] as const;
/** The finest level: output buckets narrower than this are computed from the raw rows. */
export const ROLLUP_BUCKET_MS = ROLLUP_LEVELS_S[0] * 1000;
/**
 * Output buckets are whole multiples of the level read (so every extreme stays exact): a level
 * is used only if rounding the requested width up to its multiple costs at most 25 % of the
 * resolution asked for.
 */
const MAX_WIDENING = 1.25;

/** The level (seconds) to downsample buckets of `widthMs` from, or null: read the raw rows. */
export function rollupLevelFor(widthMs: number): number | null {
  for (let i = ROLLUP_LEVELS_S.length - 1; i >= 0; i--) {
    const levelMs = ROLLUP_LEVELS_S[i]! * 1000;
    if (levelMs > widthMs) continue;
    if (Math.ceil(widthMs / levelMs) * levelMs <= widthMs * MAX_WIDENING) return ROLLUP_LEVELS_S[i]!;
  }
  return null;
}

export interface RollupRow {
  assetId: string;
  /** Bucket width in seconds (one of ROLLUP_LEVELS_S). */
  widthS: number;
  signal: string;
  bucket: number;
  n: number;
  min: number;
  minTs: number;
  max: number;
  maxTs: number;
}

/**
 * One rollup row per (asset, level, signal, bucket) touched by `rows` (a statement may not
 * upsert the same row twice). Ties keep the earliest time, as the query side expects.
 *
 * Kept signals: every numeric value, the prediction, its band and the measured value. The finest
 * level is built from the readings, each coarser one from the level below it (its width a
 * multiple): a commit's readings mostly share their buckets, so the coarser levels merge a few
 * rows instead of every reading again. This runs in the group commit for every reading, so it
 * avoids building a string key per value (readings of one asset and bucket come in a row).
 */
export function rollupOf(
  rows: { assetId: string; point: Point }[],
  levels: readonly number[] = ROLLUP_LEVELS_S,
): RollupRow[] {
  if (!levels.length) return [];
  const finestS = levels[0]!;
  const finestMs = finestS * 1000;
  /** `${assetId}\0${bucket}` -> the bucket's rows by signal. */
  const buckets = new Map<string, Map<string, RollupRow>>();
  let lastAsset: string | null = null;
  let lastBucket = NaN;
  let signals = new Map<string, RollupRow>();
  for (const { assetId, point } of rows) {
    const ts = point.ts;
    const bucket = Math.floor(ts / finestMs) * finestMs;
    if (assetId !== lastAsset || bucket !== lastBucket) {
      const key = `${assetId}\u0000${bucket}`;
      let found = buckets.get(key);
      if (!found) buckets.set(key, (found = new Map()));
      signals = found;
      lastAsset = assetId;
      lastBucket = bucket;
    }
    const values = point.values;
    for (const name in values) {
      const v = values[name]!;
      if (Number.isFinite(v)) widen(signals, name, assetId, finestS, bucket, ts, v);
    }
    if (point.prediction !== null && Number.isFinite(point.prediction))
      widen(signals, 'prediction', assetId, finestS, bucket, ts, point.prediction);
    if (point.lower !== null && Number.isFinite(point.lower))
      widen(signals, 'lower', assetId, finestS, bucket, ts, point.lower);
    if (point.upper !== null && Number.isFinite(point.upper))
      widen(signals, 'upper', assetId, finestS, bucket, ts, point.upper);
    if (point.actual !== undefined && Number.isFinite(point.actual))
      widen(signals, 'actual', assetId, finestS, bucket, ts, point.actual);
  }
  let level: RollupRow[] = [];
  for (const bySignal of buckets.values()) for (const r of bySignal.values()) level.push(r);
  const out = [...level];
  let levelS: number = finestS;
  for (const widthS of levels.slice(1)) {
    // Each level from the one below when it nests in it (10 s, 1 min, 5 min, 15 min, 1 h do).
    const from = widthS % levelS === 0 ? level : rollupOf(rows, [widthS]);
    const merged = new Map<string, RollupRow>();
    const widthMs = widthS * 1000;
    for (const r of from) {
      const bucket = Math.floor(r.bucket / widthMs) * widthMs;
      const key = `${r.assetId}\u0000${r.signal}\u0000${bucket}`;
      const m = merged.get(key);
      if (!m) merged.set(key, { ...r, widthS, bucket });
      else mergeInto(m, r);
    }
    level = [...merged.values()];
    levelS = widthS;
    out.push(...level);
  }
  return out;
}

function widen(
  bySignal: Map<string, RollupRow>,
  signal: string,
  assetId: string,
  widthS: number,
  bucket: number,
  ts: number,
  v: number,
): void {
  const r = bySignal.get(signal);
  if (!r) {
    bySignal.set(signal, { assetId, widthS, signal, bucket, n: 1, min: v, minTs: ts, max: v, maxTs: ts });
    return;
  }
  r.n++;
  if (v < r.min || (v === r.min && ts < r.minTs)) {
    r.min = v;
    r.minTs = ts;
  }
  if (v > r.max || (v === r.max && ts < r.maxTs)) {
    r.max = v;
    r.maxTs = ts;
  }
}

/** Adds `other`'s count and extremes to `r` (ties keep the earliest time). */
function mergeInto(r: RollupRow, other: Pick<RollupRow, 'n' | 'min' | 'minTs' | 'max' | 'maxTs'>): void {
  r.n += other.n;
  if (other.min < r.min || (other.min === r.min && other.minTs < r.minTs)) {
    r.min = other.min;
    r.minTs = other.minTs;
  }
  if (other.max > r.max || (other.max === r.max && other.maxTs < r.maxTs)) {
    r.max = other.max;
    r.maxTs = other.maxTs;
  }
}

/** Rollup rows per statement (one array literal per column, see insertNewTelemetry). */
const CHUNK = 5_000;

/** Merges `rows` into the stored rollup (new buckets inserted, existing ones widened). */
export async function upsertRollup(db: Db, unsorted: RollupRow[]): Promise<void> {
  // Rows locked in one order by every transaction (see insertNewTelemetry): no deadlock between
  // concurrent group commits touching the same buckets.
  const key = (r: RollupRow) =>
    `${r.assetId}\u0000${String(r.widthS).padStart(5, '0')}\u0000${r.signal}\u0000${String(r.bucket).padStart(16, '0')}`;
  const rows = unsorted.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map(([, r]) => r);
    const num = (f: (r: RollupRow) => number) => numberArray(chunk.map(f));
    const ts = (column: string) => sql.raw(fromEpochMs(column));
    await db.execute(sql`
      insert into telemetry_rollup as r (asset_id, width_s, signal, bucket, n, min, min_ts, max, max_ts)
      select u.asset_id, u.width_s, u.signal, ${ts('u.bucket')}, u.n, u.min, ${ts('u.min_ts')}, u.max, ${ts('u.max_ts')}
      from unnest(
        ${textArray(chunk.map((r) => r.assetId))}::text[], ${num((r) => r.widthS)}::int[], ${textArray(chunk.map((r) => r.signal))}::text[],
        ${num((r) => r.bucket)}::float8[], ${num((r) => r.n)}::int[], ${num((r) => r.min)}::float8[], ${num((r) => r.minTs)}::float8[],
        ${num((r) => r.max)}::float8[], ${num((r) => r.maxTs)}::float8[]
      ) as u(asset_id, width_s, signal, bucket, n, min, min_ts, max, max_ts)
      on conflict (asset_id, width_s, signal, bucket) do update set
        n = r.n + excluded.n,
        min_ts = case when excluded.min < r.min or (excluded.min = r.min and excluded.min_ts < r.min_ts) then excluded.min_ts else r.min_ts end,
        min = least(r.min, excluded.min),
        max_ts = case when excluded.max > r.max or (excluded.max = r.max and excluded.max_ts < r.max_ts) then excluded.max_ts else r.max_ts end,
        max = greatest(r.max, excluded.max)`);
  }
}

/**
 * Rebuilds the rollup of one asset from its stored telemetry (for rows written around the
 * repository, e.g. a bulk SQL load; the 0004 and 0007 migrations run the same statements for all
 * assets): the 10 s level from the rows, each coarser level from the 10 s level. With `range`
 * (aligned to the coarsest level) only that stretch is rebuilt, so a year can go day by day.
 */
export async function rebuildRollup(db: Db, assetId: string, range?: { from: number; to: number }): Promise<void> {
  const coarsestMs = ROLLUP_LEVELS_S[ROLLUP_LEVELS_S.length - 1]! * 1000;
  // A range must hold whole buckets of every level, or its edge buckets would lose what lies outside.
  if (range && (range.from % coarsestMs !== 0 || range.to % coarsestMs !== 0))
    throw new Error(`rebuildRollup: the range must be aligned to ${coarsestMs / 1000} s`);
  const rows = range ? sql` and ts >= ${new Date(range.from)} and ts < ${new Date(range.to)}` : sql``;
  const buckets = range ? sql` and bucket >= ${new Date(range.from)} and bucket < ${new Date(range.to)}` : sql``;
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from telemetry_rollup where asset_id = ${assetId}${buckets}`);
    await tx.execute(sql`
      insert into telemetry_rollup (asset_id, width_s, signal, bucket, n, min, min_ts, max, max_ts)
      select s.asset_id, 10, s.signal, to_timestamp(floor(extract(epoch from s.ts) / 10) * 10), count(*)::int,
             min(s.v), (array_agg(s.ts order by s.v asc, s.ts asc))[1],
             max(s.v), (array_agg(s.ts order by s.v desc, s.ts asc))[1]
      from (
        select t.asset_id, t.ts, e.key as signal, (e.value)::text::float8 as v
        from telemetry t, jsonb_each(t.values) e where t.asset_id = ${assetId}${rows} and jsonb_typeof(e.value) = 'number'
        union all select asset_id, ts, 'prediction', prediction from telemetry where asset_id = ${assetId}${rows} and prediction is not null
        union all select asset_id, ts, 'lower', lower from telemetry where asset_id = ${assetId}${rows} and lower is not null
        union all select asset_id, ts, 'upper', upper from telemetry where asset_id = ${assetId}${rows} and upper is not null
        union all select asset_id, ts, 'actual', actual from telemetry where asset_id = ${assetId}${rows} and actual is not null
      ) s
      group by 1, 2, 3, 4`);
    await tx.execute(sql`
      insert into telemetry_rollup (asset_id, width_s, signal, bucket, n, min, min_ts, max, max_ts)
      select r.asset_id, w.width_s, r.signal, to_timestamp(floor(extract(epoch from r.bucket) / w.width_s) * w.width_s),
             sum(r.n)::int,
             min(r.min), (array_agg(r.min_ts order by r.min asc, r.min_ts asc))[1],
             max(r.max), (array_agg(r.max_ts order by r.max desc, r.max_ts asc))[1]
      from telemetry_rollup r, (values ${sql.raw(
        ROLLUP_LEVELS_S.slice(1)
          .map((w) => `(${w})`)
          .join(', '),
      )}) as w(width_s)
      where r.asset_id = ${assetId} and r.width_s = 10${buckets}
      group by 1, 2, 3, 4`);
  });
}
