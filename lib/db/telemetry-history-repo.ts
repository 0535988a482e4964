/**
 * Reads of stored telemetry (history, CSV export, backtests), apart from the pipeline's writes in
 * telemetry-repo.ts and retention's partition upkeep in telemetry-partitions.ts.
 */
import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { telemetry, telemetryRollup } from './schema';
import { rollupLevelFor } from './telemetry-rollup';
import { storedPoint, type StoredPoint } from './telemetry-repo';

/** One bucket of a downsampled range: extremes of each signal with the times they happened. */
export interface HistoryBucket {
  /** Readings in the bucket. */
  count: number;
  /** Per requested signal (same order): [min value, its ts, max value, its ts], or null when none. */
  extremes: ([number, number, number, number] | null)[];
  /** Lowest lower bound and highest upper bound in the bucket (the band's envelope). */
  lower: number | null;
  upper: number | null;
}

/** One output bucket: its index, the time span it covers [start, end) and its contents. */
export interface DownsampledBucket {
  index: number;
  start: number;
  end: number;
  bucket: HistoryBucket;
}

/** What can be downsampled: a feature (a key of `values`), or a column of the table. */
export type HistorySource = { kind: 'feature'; name: string } | { kind: 'column'; name: 'prediction' | 'actual' };

/** A row of a range export (the asset is the one asked for). */
export type ExportRow = StoredPoint;

/** Both drivers answer `execute` with `{ rows }` (node-postgres QueryResult, PGlite Results). */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const epochMs = sql`date_part('epoch', ${telemetry.ts}) * 1000`;

/**
 * History reads of the telemetry table, kept apart from the pipeline's writes: server-side
 * downsampling and keyset-paged export.
 */
export function telemetryHistoryRepo(db: Db) {
  return {
    /**
     * Downsamples `[from, to]` of one asset in ONE query on either engine: rows are put in
     * `buckets` equal time buckets (floor((epoch ms - from) / width)) and each bucket keeps, per
     * source, its min and its max with the times they happened (`min(array[v, t])` picks the pair
     * with the lowest value), so spikes survive at their real time whatever the zoom.
     * The planner cannot know that floor(...) has only `buckets` values (it assumes one group per
     * row) and would sort the whole range on disk: the query runs with enough work_mem for an
     * in-memory (and, on PostgreSQL, parallel) hash aggregate, and without JIT, whose compile
     * time exceeded the query's. Returns the non-empty buckets in time order.
     */
    async downsample(
      assetId: string,
      from: number,
      to: number,
      buckets: number,
      sources: HistorySource[],
    ): Promise<DownsampledBucket[]> {
      const width = Math.max(1, (to - from + 1) / buckets);
      // Buckets at least as wide as the finest rollup level: read the coarsest level that fits.
      const level = rollupLevelFor(width);
      if (level !== null) return downsampleRollup(db, assetId, from, to, buckets, width, level, sources);
      return downsampleRaw(db, assetId, from, to, buckets, width, sources);
    },

    /** How many rows `[from, to]` of one asset holds (an index range count). */
    async countRange(assetId: string, from: number, to: number): Promise<number> {
      const [row] = rowsOf<{ n: number | string }>(
        await db.execute(
          sql`select count(*)::int as n from ${telemetry} where ${telemetry.assetId} = ${assetId} and ${telemetry.ts} >= ${new Date(from)} and ${telemetry.ts} <= ${new Date(to)}`,
        ),
      );
      return Number(row?.n ?? 0);
    },

    /**
     * Rows of `[from, to]` in (ts, id) order, `chunk` at a time by keyset (never OFFSET): each
     * page is an index range read, so a million-row export costs the same per page at the end
     * as at the start and never holds more than one page in memory.
     */
    async *exportRows(assetId: string, from: number, to: number, chunk = 5_000): AsyncGenerator<ExportRow[]> {
      let after: { ts: Date; id: number } | null = null;
      for (;;) {
        // `ts >= last ts` is what the (asset_id, ts) index can start the scan at; the row
        // comparison alone is only a filter, and every page would rescan the range from `from`.
        const cursor: SQL | undefined = after
          ? sql`(${telemetry.ts}, ${telemetry.id}) > (${after.ts}, ${after.id})`
          : undefined;
        const rows: (typeof telemetry.$inferSelect)[] = await db
          .select()
          .from(telemetry)
          .where(
            and(
              eq(telemetry.assetId, assetId),
              gte(telemetry.ts, after?.ts ?? new Date(from)),
              lte(telemetry.ts, new Date(to)),
              cursor,
            ),
          )
          .orderBy(asc(telemetry.ts), asc(telemetry.id))
          .limit(chunk);
        if (!rows.length) return;
        yield rows.map(storedPoint);
        if (rows.length < chunk) return;
        const last: typeof telemetry.$inferSelect = rows[rows.length - 1]!;
        after = { ts: last.ts, id: last.id };
      }
    },
  };
}

export type TelemetryHistoryRepo = ReturnType<typeof telemetryHistoryRepo>;

/** `downsample` from the raw rows (buckets finer than the rollup, and the rollup's partial ends). */
async function downsampleRaw(
  db: Db,
  assetId: string,
  from: number,
  to: number,
  buckets: number,
  width: number,
  sources: HistorySource[],
): Promise<DownsampledBucket[]> {
  // jsonb numbers are compared as numeric (a cast from jsonb is a copy); `->>` then float8
  // prints and re-parses every value: the full-day bench took 21 s that way on PGlite, 9.5 s so.
  const value = (src: HistorySource): SQL =>
    src.kind === 'feature'
      ? sql`(${telemetry.values} -> ${src.name})::numeric`
      : src.name === 'prediction'
        ? sql`${telemetry.prediction}`
        : sql`${telemetry.actual}`;
  const inner = sources.map((src, i) => sql`${value(src)} as ${sql.raw(`s${i}`)}`);
  const aggs = sources.map((src, i) => {
    const c = sql.raw(`s${i}`);
    const t = sql.raw(src.kind === 'feature' ? 'tn' : 't');
    // float8[] out: both drivers parse it to numbers (a numeric[] may come back as text).
    return sql`(min(array[${c}, ${t}]) filter (where ${c} is not null))::float8[] as ${sql.raw(`mn${i}`)}, (max(array[${c}, -${t}]) filter (where ${c} is not null))::float8[] as ${sql.raw(`mx${i}`)}`;
  });
  const query = sql`
      with r as (
        select least(floor((${epochMs} - ${from}::float8) / ${width}::float8)::int, ${buckets - 1}::int) as b,
               round(${epochMs}) as t, round(${epochMs})::numeric as tn,
               ${telemetry.lower} as lo, ${telemetry.upper} as hi,
               ${sql.join(inner, sql`, `)}
        from ${telemetry}
        where ${telemetry.assetId} = ${assetId} and ${telemetry.ts} >= ${new Date(from)} and ${telemetry.ts} <= ${new Date(to)}
      )
      select b, count(*)::int as n, min(lo) as lo, max(hi) as hi, ${sql.join(aggs, sql`, `)}
      from r group by b order by b`;
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local jit = off`);
    return rowsOf<Record<string, unknown>>(await tx.execute(query));
  });
  return rows.map((row) => ({
    index: Number(row.b),
    start: from + Number(row.b) * width,
    end: Number(row.b) === buckets - 1 ? to + 1 : from + (Number(row.b) + 1) * width,
    bucket: {
      count: Number(row.n),
      lower: row.lo === null ? null : Number(row.lo),
      upper: row.hi === null ? null : Number(row.hi),
      extremes: sources.map((_, i) => {
        const mn = row[`mn${i}`] as (number | string)[] | null;
        const mx = row[`mx${i}`] as (number | string)[] | null;
        if (!mn || !mx) return null;
        // max over [v, -t]: among equal maxima the earliest time wins, like min.
        return [Number(mn[0]), Number(mn[1]), Number(mx[0]), -Number(mx[1])] as [number, number, number, number];
      }),
    },
  }));
}

/**
 * `downsample` from one level of the rollup (`levelS`-second buckets). Output buckets are whole
 * multiples of the level's width, aligned to it, so every rollup bucket falls inside exactly one
 * output bucket and each extreme keeps its real time. Only the level's buckets wholly inside
 * `[from, to]` are read; the partial ones at the two ends come from the raw rows (at most one
 * level width each), so counts and extremes are exactly those of the raw rows.
 */
async function downsampleRollup(
  db: Db,
  assetId: string,
  from: number,
  to: number,
  buckets: number,
  width: number,
  levelS: number,
  sources: HistorySource[],
): Promise<DownsampledBucket[]> {
  const levelMs = levelS * 1000;
  const w = Math.ceil(width / levelMs) * levelMs;
  const origin = Math.floor(from / levelMs) * levelMs;
  const end = to + 1;
  const wholeFrom = Math.min(Math.ceil(from / levelMs) * levelMs, end);
  const wholeTo = Math.max(Math.floor(end / levelMs) * levelMs, wholeFrom);
  const indexOf = (t: number) => Math.min(Math.max(0, Math.floor((t - origin) / w)), buckets - 1);

  const merged = new Map<number, HistoryBucket>();
  const add = (index: number, bucket: HistoryBucket) => {
    const prev = merged.get(index);
    merged.set(index, prev ? mergeBuckets(prev, bucket) : bucket);
  };
  for (const [a, b] of [
    [from, wholeFrom],
    [wholeTo, end],
  ] as const) {
    if (b <= a) continue;
    for (const edge of await downsampleRaw(db, assetId, a, b - 1, 1, b - a, sources)) add(indexOf(a), edge.bucket);
  }
  if (wholeTo > wholeFrom) {
    for (const [index, bucket] of await rollupBuckets(
      db,
      assetId,
      wholeFrom,
      wholeTo,
      origin,
      w,
      levelS,
      buckets,
      sources,
    ))
      add(index, bucket);
  }
  return [...merged.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, bucket]) => ({
      index,
      start: Math.max(from, origin + index * w),
      end: index === buckets - 1 ? end : Math.min(end, origin + (index + 1) * w),
      bucket,
    }));
}

/** Two partial results of one output bucket as one: counts add, extremes (earliest on ties) and the band widen. */
function mergeBuckets(a: HistoryBucket, b: HistoryBucket): HistoryBucket {
  const lower = a.lower === null ? b.lower : b.lower === null ? a.lower : Math.min(a.lower, b.lower);
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : Math.max(a.upper, b.upper);
  const extremes = a.extremes.map((x, i) => {
    const y = b.extremes[i] ?? null;
    if (!x || !y) return x ?? y;
    const [minA, minTa, maxA, maxTa] = x;
    const [minB, minTb, maxB, maxTb] = y;
    const min = minB < minA || (minB === minA && minTb < minTa) ? [minB, minTb] : [minA, minTa];
    const max = maxB > maxA || (maxB === maxA && maxTb < maxTa) ? [maxB, maxTb] : [maxA, maxTa];
    return [min[0]!, min[1]!, max[0]!, max[1]!] as [number, number, number, number];
  });
  return { count: a.count + b.count, lower, upper, extremes };
}

/** The level's buckets starting in `[wholeFrom, wholeTo)`, grouped into output buckets of `w` from `origin`. */
async function rollupBuckets(
  db: Db,
  assetId: string,
  wholeFrom: number,
  wholeTo: number,
  origin: number,
  w: number,
  levelS: number,
  buckets: number,
  sources: HistorySource[],
): Promise<Map<number, HistoryBucket>> {
  const signalOf = (src: HistorySource) => src.name;
  const signals = [...new Set([...sources.map(signalOf), 'lower', 'upper'])];
  const r = telemetryRollup;
  const bucketMs = sql`date_part('epoch', ${r.bucket}) * 1000`;
  // The last bucket's start, not `< wholeTo`: wholeTo may be 10000-01-01, which no timestamp holds.
  const rows = rowsOf<{ b: number; signal: string; n: number; mn: number[]; mx: number[] }>(
    await db.execute(sql`
      select least(floor((${bucketMs} - ${origin}::float8) / ${w}::float8)::int, ${buckets - 1}::int) as b, ${r.signal} as signal,
             sum(${r.n})::int as n,
             min(array[${r.min}, round(date_part('epoch', ${r.minTs}) * 1000)])::float8[] as mn,
             max(array[${r.max}, -round(date_part('epoch', ${r.maxTs}) * 1000)])::float8[] as mx
      from ${r}
      where ${r.assetId} = ${assetId} and ${r.widthS} = ${levelS} and ${inArray(r.signal, signals)}
        and ${r.bucket} >= ${new Date(wholeFrom)} and ${r.bucket} <= ${new Date(wholeTo - levelS * 1000)}
      group by 1, 2
      order by 1`),
  );
  const byIndex = new Map<
    number,
    {
      count: number;
      lower: number | null;
      upper: number | null;
      bySignal: Map<string, [number, number, number, number]>;
    }
  >();
  for (const row of rows) {
    const index = Math.max(0, Number(row.b));
    let b = byIndex.get(index);
    if (!b) byIndex.set(index, (b = { count: 0, lower: null, upper: null, bySignal: new Map() }));
    const mn = row.mn.map(Number);
    const mx = row.mx.map(Number);
    if (row.signal === 'lower') b.lower = mn[0]!;
    else if (row.signal === 'upper') b.upper = mx[0]!;
    // Every reading has every feature: the busiest signal's count is the bucket's reading count.
    b.count = Math.max(b.count, Number(row.n));
    b.bySignal.set(row.signal, [mn[0]!, mn[1]!, mx[0]!, -mx[1]!]);
  }
  return new Map(
    [...byIndex.entries()].map(([index, b]) => [
      index,
      {
        count: b.count,
        lower: b.lower,
        upper: b.upper,
        extremes: sources.map((src) => b.bySignal.get(signalOf(src)) ?? null),
      },
    ]),
  );
}
