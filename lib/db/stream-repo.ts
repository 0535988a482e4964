/**
 * Clustered mode (issue 16): the stored side of each asset's live stream. Points are committed
 * with their seq before they are streamed, so the database always holds every seq a client may
 * have seen: a new owner continues from the stored maximum and any instance can fill a gap in
 * its mirror from here. Readings committed by a non-owner wait as `pending` rows (a NOTIFY in the
 * same transaction tells the owner at commit) until the owner scores and sequences them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { fromEpochMs, nestedTextArrays, numberArray, textArray } from './array-params';
import { insertNewTelemetry, readingKey } from './telemetry-repo';
import { rollupOf, upsertRollup } from './telemetry-rollup';
import type { Point, PointFlag } from '../twin/types';

/** A row to commit: a new reading (insert) or a pending one now scored by its owner (update). */
export interface SequencedRow {
  assetId: string;
  point: Omit<Point, 'seq'>;
  /** The stream seq (null: late, or pending). */
  seq: number | null;
  /** true: stored for the owner to score and stream. */
  pending: boolean;
  /** true: the row exists as pending and is completed here (owner only). */
  update?: boolean;
}

/**
 * Thrown inside the transaction (rolling it back) when another instance committed seqs of the
 * asset at or above the ones given here (two owners for a moment): the last fence.
 */
export class SeqTakenError extends Error {
  constructor(readonly assetIds: string[]) {
    super(`seqs of ${assetIds.join(', ')} were given meanwhile by another instance`);
    this.name = 'SeqTakenError';
  }
}

/** Thrown inside the transaction (rolling it back) when sequenced rows could not be written. */
export class SeqConflictError extends Error {
  constructor(readonly keys: string[]) {
    super(`${keys.length} sequenced rows were stored meanwhile by someone else`);
    this.name = 'SeqConflictError';
  }
}

/**
 * Thrown inside the transaction (rolling it back) when this instance is no longer the owner of
 * record of assets it numbered: another instance took them over (its lease connection was lost
 * without this one noticing yet). The caller steps down for them and stores the readings pending.
 */
export class NotOwnerError extends Error {
  constructor(readonly assetIds: string[]) {
    super(`no longer the owner of ${assetIds.join(', ')}`);
    this.name = 'NotOwnerError';
  }
}

/** This instance's claim on the assets it numbers: its id and, per asset, the token `head()` gave. */
export interface OwnerFence {
  owner: string;
  tokens: ReadonlyMap<string, string>;
}

interface RawRow {
  asset_id: string;
  ms: number | string;
  seq: number | string | null;
  values: Record<string, number>;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  actual: number | null;
  model_version: string | null;
  inference_ms: number | null;
  flags: string[];
}

const POINT_COLUMNS = sql.raw(
  `asset_id, round(extract(epoch from ts) * 1000)::float8 as ms, seq, "values", prediction, lower, upper, actual, model_version, inference_ms, flags`,
);

/**
 * A stored point as it was streamed, but for `outOfRange` (derived from the values by the
 * pipeline: Pipeline.restoreStored), which the database does not keep.
 */
function toPoint(r: RawRow): Point {
  return {
    seq: Number(r.seq),
    ts: Number(r.ms),
    values: r.values,
    prediction: r.prediction,
    lower: r.lower,
    upper: r.upper,
    modelVersion: r.model_version,
    inferenceMs: r.inference_ms,
    flags: r.flags as PointFlag[],
    ...(r.actual !== null ? { actual: r.actual } : {}),
  };
}

const rowsOf = (result: unknown) => (result as { rows: RawRow[] }).rows;

/** The stream repository for one database and one NOTIFY channel (namespaced per cluster, known once ownership started). */
export function streamRepo(db: Db, notifyChannel: () => string) {
  return {
    /**
     * One transaction: the assets' last seq raised (refused when another owner got there first:
     * SeqTakenError), new rows inserted (duplicates of (asset, ts) skipped), pending rows
     * completed, the rollup of exactly those, and a NOTIFY per asset with new pending rows.
     * Resolves after commit with the keys (`readingKey`) of the rows written.
     */
    async commit(rows: SequencedRow[], fence?: OwnerFence): Promise<Set<string>> {
      const written = new Set<string>();
      if (!rows.length) return written;
      await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        await fenceAndRaise(t, rows, fence);
        const inserts = rows.filter((r) => !r.update);
        const updates = rows.filter((r) => r.update);
        const inserted = inserts.length
          ? await insertNewTelemetry(t, inserts, { seq: (r) => r.seq, pending: (r) => r.pending })
          : [];
        for (const r of inserted) written.add(readingKey(r.assetId, r.point.ts));
        const completed: SequencedRow[] = [];
        if (updates.length) {
          const num = (f: (r: SequencedRow) => number | null) => numberArray(updates.map(f));
          const res = await t.execute(sql`
            update telemetry t set seq = u.seq, pending = false, prediction = u.prediction, lower = u.lower,
              upper = u.upper, model_version = u.model_version, inference_ms = u.inference_ms, flags = u.flags::text[]
            from unnest(${textArray(updates.map((r) => r.assetId))}::text[], ${num((r) => r.point.ts)}::float8[],
              ${num((r) => r.seq)}::int8[], ${num((r) => r.point.prediction)}::float8[], ${num((r) => r.point.lower)}::float8[],
              ${num((r) => r.point.upper)}::float8[], ${textArray(updates.map((r) => r.point.modelVersion))}::text[],
              ${num((r) => r.point.inferenceMs)}::float8[], ${nestedTextArrays(updates.map((r) => r.point.flags))}::text[])
              as u(asset_id, ts, seq, prediction, lower, upper, model_version, inference_ms, flags)
            where t.asset_id = u.asset_id and t.ts = ${sql.raw(fromEpochMs('u.ts'))} and t.pending
            returning t.asset_id, round(extract(epoch from t.ts) * 1000)::float8 as ms`);
          const done = new Set(
            (res as unknown as { rows: { asset_id: string; ms: number | string }[] }).rows.map((r) =>
              readingKey(r.asset_id, Number(r.ms)),
            ),
          );
          for (const r of updates) {
            const key = readingKey(r.assetId, r.point.ts);
            if (!done.has(key)) continue;
            written.add(key);
            completed.push(r);
          }
        }
        // A sequenced row not written (stored meanwhile by another request, or completed by
        // another owner) would leave a hole in the seqs: roll back, the caller plans again.
        const missed = rows.filter((r) => r.seq !== null && !written.has(readingKey(r.assetId, r.point.ts)));
        if (missed.length) throw new SeqConflictError(missed.map((r) => readingKey(r.assetId, r.point.ts)));
        // The rollup: everything of an inserted row; only the owner's prediction and band of a
        // completed one (its values and measured yield were counted when it was stored pending).
        const rollRows = [
          ...inserted.map((r) => ({ assetId: r.assetId, point: r.point as Point })),
          ...completed.map((r) => ({
            assetId: r.assetId,
            point: { ...r.point, values: {}, actual: undefined } as unknown as Point,
          })),
        ];
        if (rollRows.length) await upsertRollup(t, rollupOf(rollRows));
        const waiting = new Set(inserted.filter((r) => r.pending).map((r) => r.assetId));
        // Delivered at commit, never for a rolled-back transaction.
        for (const assetId of waiting) await t.execute(sql`select pg_notify(${notifyChannel()}, ${assetId})`);
      });
      return written;
    },

    /** Assets with pending readings (one probe of the partial index). */
    async pendingAssets(): Promise<string[]> {
      const res = (await db.execute(sql`select distinct asset_id from telemetry where pending`)) as unknown as {
        rows: { asset_id: string }[];
      };
      return res.rows.map((r) => r.asset_id);
    },

    /** The oldest pending readings of an asset, in time order (the owner scores and streams them). */
    async pending(assetId: string, limit = 1_000): Promise<Omit<Point, 'seq'>[]> {
      const res = await db.execute(sql`
        select ${POINT_COLUMNS} from telemetry where asset_id = ${assetId} and pending order by ts limit ${limit}`);
      return rowsOf(res).map((r) => {
        const { seq: _seq, ...point } = toPoint(r);
        return point;
      });
    },

    /**
     * The asset's stream identity for a new owner: its stored epoch and newest seq. Continuity
     * holds when the epoch exists and stored points carry seqs; otherwise a new epoch is stored
     * (clients holding seqs of the old one re-snapshot).
     */
    async head(assetId: string, owner: string): Promise<{ epoch: string; lastSeq: number; token: string }> {
      return db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        // The owner of record first: this waits for a commit of the previous owner in flight (it
        // holds the row: fenceAndRaise), after which every commit of that owner is refused, so the
        // last seq returned is final. The token (the time taken) tells this taking from any other.
        const taken = (await t.execute(sql`
          insert into asset_streams (asset_id, epoch, owner, taken_at) values (${assetId}, ${randomUUID()}, ${owner}, clock_timestamp())
          on conflict (asset_id) do update set owner = excluded.owner, taken_at = excluded.taken_at
          returning epoch, last_seq, taken_at::text as token`)) as unknown as {
          rows: { epoch: string; last_seq: number | string | null; token: string }[];
        };
        const row = taken.rows[0]!;
        if (row.last_seq !== null) return { epoch: row.epoch, lastSeq: Number(row.last_seq), token: row.token };
        // Continuity cannot be shown (nothing numbered yet): a new epoch; last_seq stays null, only
        // a commit raises it.
        const epoch = randomUUID();
        await t.execute(sql`update asset_streams set epoch = ${epoch} where asset_id = ${assetId}`);
        return { epoch, lastSeq: -1, token: row.token };
      });
    },

    /** The stored epoch and newest seq without taking anything (mirrors). */
    async peek(assetId: string): Promise<{ epoch: string | null; lastSeq: number }> {
      const res = (await db.execute(sql`
        select (select epoch from asset_streams where asset_id = ${assetId}) as epoch,
               (select last_seq from asset_streams where asset_id = ${assetId}) as last_seq`)) as unknown as {
        rows: { epoch: string | null; last_seq: number | string | null }[];
      };
      const row = res.rows[0]!;
      return { epoch: row.epoch, lastSeq: row.last_seq === null ? -1 : Number(row.last_seq) };
    },

    /** The newest `limit` streamed points of an asset not older than `windowMs` before its newest, in seq order. */
    async recent(assetId: string, windowMs: number, limit: number): Promise<Point[]> {
      const res = await db.execute(sql`
        select * from (
          select ${POINT_COLUMNS} from telemetry
          where asset_id = ${assetId} and seq is not null
            and ts >= (select max(ts) from telemetry where asset_id = ${assetId} and seq is not null) - ${windowMs} * interval '1 millisecond'
          order by seq desc limit ${limit}) r
        order by seq`);
      return rowsOf(res).map(toPoint);
    },

    /** Streamed points after `afterSeq`, in seq order (a mirror filling a gap). */
    async after(assetId: string, afterSeq: number, limit = 20_000): Promise<Point[]> {
      const res = await db.execute(sql`
        select ${POINT_COLUMNS} from telemetry
        where asset_id = ${assetId} and seq > ${afterSeq} order by seq limit ${limit}`);
      return rowsOf(res).map(toPoint);
    },
  };
}

export type StreamRepo = ReturnType<typeof streamRepo>;

/**
 * The fence against two owners, one statement (one round trip) per commit. Each asset numbered
 * in the transaction must still name this instance and its token as its owner of record (issue
 * 16; when a fence is given), and its `asset_streams.last_seq` (a partitioned telemetry table
 * cannot hold a unique (asset, seq) index) is raised to the commit's highest seq, only where it is
 * below the commit's lowest. An asset never taken (no row) is refused too.
 *
 * The rows are locked in asset order first (one order for every transaction, so two commits of
 * the same assets cannot deadlock: an UPDATE's own join would lock them in whatever order its plan
 * reads them) and held until the commit: a concurrent commit of an asset waits, then judges the
 * committed row (PostgreSQL re-reads a row it waited for), and is refused; a new owner's `head()`
 * waits too, and then reads the final last seq. One instance commits one transaction at a time,
 * so its own seqs always rise.
 */
async function fenceAndRaise(t: Db, rows: SequencedRow[], fence?: OwnerFence): Promise<void> {
  const bounds = new Map<string, { min: number; max: number }>();
  for (const r of rows) {
    if (r.seq === null) continue;
    const b = bounds.get(r.assetId);
    if (!b) bounds.set(r.assetId, { min: r.seq, max: r.seq });
    else {
      b.min = Math.min(b.min, r.seq);
      b.max = Math.max(b.max, r.seq);
    }
  }
  if (!bounds.size) return;
  const assets = [...bounds.keys()].sort();
  const mine = fence ? sql`s.owner = ${fence.owner} and s.taken_at = u.token::timestamptz` : sql`true`;
  const res = (await t.execute(sql`
    with f as (
      select s.asset_id, ${mine} as mine, (s.last_seq is null or s.last_seq < u.mn) as free, u.mx
      from asset_streams s
      join unnest(${textArray(assets)}::text[], ${textArray(assets.map((a) => fence?.tokens.get(a) ?? null))}::text[],
        ${numberArray(assets.map((a) => bounds.get(a)!.min))}::int8[], ${numberArray(assets.map((a) => bounds.get(a)!.max))}::int8[])
        as u(asset_id, token, mn, mx) on u.asset_id = s.asset_id
      order by s.asset_id
      for no key update of s
    ), raised as (
      update asset_streams s set last_seq = f.mx from f
      where s.asset_id = f.asset_id and f.mine and f.free
      returning s.asset_id
    )
    select f.asset_id, f.mine, f.free, (select count(*) from raised)::int as raised from f`)) as unknown as {
    rows: { asset_id: string; mine: boolean; free: boolean; raised: number }[];
  };
  const found = new Map(res.rows.map((r) => [r.asset_id, r]));
  // With a fence, a missing row is a lost claim (never taken here); without one, a refused seq.
  const lost = fence ? assets.filter((a) => !found.get(a)?.mine) : [];
  if (lost.length) throw new NotOwnerError(lost);
  const refused = assets.filter((a) => !found.get(a)?.free);
  if (refused.length) throw new SeqTakenError(refused);
  // Every row matched the update's conditions: anything else would leave last_seq behind the seqs.
  if (res.rows[0]?.raised !== assets.length) throw new SeqTakenError(assets);
}
