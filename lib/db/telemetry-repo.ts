import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from './client';
import { telemetry } from './schema';
import { boolArray, fromEpochMs, nestedTextArrays, numberArray, textArray } from './array-params';
import { rollupOf, upsertRollup } from './telemetry-rollup';
import type { Point } from '../twin/types';

/** A stored telemetry row as the domain sees it (times as epoch ms). */
export interface StoredPoint {
  id: number;
  assetId: string;
  ts: number;
  values: Record<string, number>;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  actual: number | null;
  modelVersion: string | null;
  flags: string[];
}

/** A row as the domain sees it (the history reads share it). */
export function storedPoint(r: typeof telemetry.$inferSelect): StoredPoint {
  return {
    id: r.id,
    assetId: r.assetId,
    ts: r.ts.getTime(),
    values: r.values,
    prediction: r.prediction,
    lower: r.lower,
    upper: r.upper,
    actual: r.actual,
    modelVersion: r.modelVersion,
    flags: r.flags,
  };
}

/** The key that makes a telemetry row unique (the table's unique index): asset and time. */
export function readingKey(assetId: string, ts: number): string {
  return `${assetId}\u0000${ts}`;
}

/** Rows per INSERT (each column travels as one array parameter, so only the size bounds it). */
const INSERT_CHUNK = 5_000;

/**
 * The telemetry rows themselves, a row already stored for the same (asset, ts) skipped:
 * returns the rows actually inserted (an at-least-once sender's retry inserts nothing).
 *
 * One statement with one array parameter per column (`unnest`), not a VALUES list: drizzle's
 * builder took ~0.1-0.25 ms of CPU per row for a 10-column VALUES list (a 1,600-row group commit
 * spent 160-450 ms building SQL before the database saw it), several times the insert itself.
 * The arrays are literals written by array-params.ts; the values objects travel as one JSON
 * array (one native `JSON.stringify`, no JSON string escaped inside an array literal), zipped with
 * the other columns by `rows from`; times as epoch ms (cheaper than an ISO string either side).
 */
export async function insertNewTelemetry<R extends { assetId: string; point: Omit<Point, 'seq'> }>(
  db: Db,
  rows: R[],
  /** Clustered mode (issue 16): each row's stream seq and whether it waits for its owner. */
  cluster?: { seq: (r: R) => number | null; pending: (r: R) => boolean },
): Promise<R[]> {
  const byKey = new Map<string, R>();
  for (const r of rows) {
    const key = readingKey(r.assetId, r.point.ts);
    if (!byKey.has(key)) byKey.set(key, r);
  }
  // One order for every transaction (asset, then time): concurrent group commits that share
  // rows (a retry racing its original) then wait for each other instead of deadlocking.
  const unique = [...byKey.values()].sort((a, b) =>
    a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.point.ts - b.point.ts,
  );
  const inserted: R[] = [];
  for (let i = 0; i < unique.length; i += INSERT_CHUNK) {
    const chunk = unique.slice(i, i + INSERT_CHUNK);
    const num = (f: (r: R) => number | null | undefined) => numberArray(chunk.map(f));
    // Rows that are all new (the common case) come back as a count alone, not a row each to
    // parse and look up; only when some were stored before do the new ones' keys come back.
    const result = (await db.execute(sql`
      with ins as (
        insert into telemetry (asset_id, ts, "values", prediction, lower, upper, actual, model_version, inference_ms, flags, seq, pending)
        select u.asset_id, ${sql.raw(fromEpochMs('u.ts'))}, u.v, u.prediction, u.lower, u.upper, u.actual, u.model_version,
               u.inference_ms, u.flags::text[], u.seq, u.pending
        from rows from (
          unnest(${textArray(chunk.map((r) => r.assetId))}::text[]), unnest(${num((r) => r.point.ts)}::float8[]),
          jsonb_array_elements(${JSON.stringify(chunk.map((r) => r.point.values))}::jsonb),
          unnest(${num((r) => r.point.prediction)}::float8[]), unnest(${num((r) => r.point.lower)}::float8[]),
          unnest(${num((r) => r.point.upper)}::float8[]), unnest(${num((r) => r.point.actual)}::float8[]),
          unnest(${textArray(chunk.map((r) => r.point.modelVersion))}::text[]), unnest(${num((r) => r.point.inferenceMs)}::float8[]),
          unnest(${nestedTextArrays(chunk.map((r) => r.point.flags))}::text[]),
          unnest(${num((r) => cluster?.seq(r) ?? null)}::int8[]),
          unnest(${boolArray(chunk.map((r) => cluster?.pending(r) ?? false))}::bool[])
        ) as u(asset_id, ts, v, prediction, lower, upper, actual, model_version, inference_ms, flags, seq, pending)
        on conflict (asset_id, ts) do nothing
        returning asset_id, ts)
      select count(*)::int as n,
        case when count(*) < ${sql.raw(String(chunk.length))} then array_agg(asset_id) end as asset_ids,
        case when count(*) < ${sql.raw(String(chunk.length))} then array_agg(round(extract(epoch from ts) * 1000)::float8) end as ms
      from ins`)) as unknown as {
      rows: { n: number; asset_ids: string[] | null; ms: (number | string)[] | null }[];
    };
    const { n, asset_ids: assetIds, ms } = result.rows[0]!;
    if (Number(n) === chunk.length) inserted.push(...chunk);
    else if (assetIds && ms)
      for (let k = 0; k < assetIds.length; k++) inserted.push(byKey.get(readingKey(assetIds[k]!, Number(ms[k])))!);
  }
  return inserted;
}

/** Telemetry table access: batched inserts from the pipeline, range reads for history. */
export function telemetryRepo(db: Db) {
  const repo = {
    /**
     * One transaction: the rows not stored yet (unique on asset and time), and the rollup of
     * exactly those (a duplicate must not count twice in it). Resolves once committed, with the
     * rows that were new.
     */
    async insertNew(rows: { assetId: string; point: Point }[]): Promise<{ assetId: string; point: Point }[]> {
      if (!rows.length) return [];
      return db.transaction(async (tx) => {
        const inserted = await insertNewTelemetry(tx as unknown as Db, rows);
        if (inserted.length) await upsertRollup(tx as unknown as Db, rollupOf(inserted));
        return inserted;
      });
    },

    /** `insertNew` for the simulator's writer, which needs no answer. */
    async insertMany(rows: { assetId: string; point: Point }[]): Promise<void> {
      await repo.insertNew(rows);
    },

    async range(assetId: string, from: Date, to: Date, limit = 100_000): Promise<StoredPoint[]> {
      const rows = await db
        .select()
        .from(telemetry)
        .where(and(eq(telemetry.assetId, assetId), gte(telemetry.ts, from), lte(telemetry.ts, to)))
        .orderBy(asc(telemetry.ts), asc(telemetry.id))
        .limit(limit);
      return rows.map(storedPoint);
    },

    async count(assetId?: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(telemetry)
        .where(assetId ? eq(telemetry.assetId, assetId) : undefined);
      return row?.n ?? 0;
    },

    /** Time (epoch ms) of each asset's newest stored reading; assets without any are absent. One index probe per asset. */
    async latestTs(assetIds: readonly string[]): Promise<Map<string, number>> {
      if (!assetIds.length) return new Map();
      const result = (await db.execute(sql`
        select a.id as asset_id,
               round(extract(epoch from (select max(t.ts) from telemetry t where t.asset_id = a.id)) * 1000)::float8 as ms
        from unnest(${sql.param([...assetIds])}::text[]) as a(id)`)) as unknown as {
        rows: { asset_id: string; ms: number | string | null }[];
      };
      return new Map(result.rows.filter((r) => r.ms !== null).map((r) => [r.asset_id, Number(r.ms)]));
    },
  };
  return repo;
}

export type TelemetryRepo = ReturnType<typeof telemetryRepo>;
