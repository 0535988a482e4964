/**
 * The telemetry table's time partitions (migration 0015): one per UTC day, named
 * `telemetry_pYYYYMMDD`, plus `telemetry_default` for a reading on a day without one (a late
 * reading older than the oldest day kept, or one of a day before the table was partitioned).
 *
 * Why a day: retention keeps whole days, so at most one day more than RETENTION_DAYS stays
 * readable (3 % at the default 30), and the partition count stays small: RETENTION_DAYS + 8
 * (38 at 30 days, 373 for a year), where PostgreSQL's planning and locking stay cheap. A week
 * would keep up to 7 days too many; an hour would mean 720 partitions at 30 days.
 *
 * Partition DDL never makes the live inserts wait long: a new day is created as a plain table
 * and ATTACHed (a SHARE UPDATE EXCLUSIVE lock on the parent, which inserts do not conflict with),
 * and every DDL transaction runs under a short lock_timeout, so an insert queued behind it waits
 * at most that long; a timed-out step is retried, and otherwise left for the next pass.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { ROLLUP_LEVELS_S } from './telemetry-rollup';

export const DAY_MS = 86_400_000;
export const DEFAULT_PARTITION = 'telemetry_default';
const DAY_PARTITION = /^telemetry_p(\d{4})(\d{2})(\d{2})$/;

/** How long partition DDL may wait for a lock (and so hold up the inserts queued behind it). */
const LOCK_TIMEOUT = '500ms';
const LOCK_ATTEMPTS = 4;

/** Start (epoch ms) of the UTC day holding `ms`. */
export const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** The partition of the UTC day starting at `day` (epoch ms): telemetry_pYYYYMMDD. */
export function partitionName(day: number): string {
  return `telemetry_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** A day partition's range [from, to) from its name; null for any other table. */
export function partitionRange(name: string): { from: number; to: number } | null {
  const m = DAY_PARTITION.exec(name);
  if (!m) return null;
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return { from, to: from + DAY_MS };
}

/** A timestamptz literal in UTC, whatever the session's time zone. */
const utc = (ms: number) => sql.raw(`'${new Date(ms).toISOString()}'`);
const ident = (name: string) => sql.raw(`"${name}"`);

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** lock_not_available (lock_timeout ran out), whichever driver raised it. */
function isLockTimeout(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === '55P03') return true;
  return false;
}

export interface DroppedPartition {
  name: string;
  /** Readings it held when dropped. */
  rows: number;
}

export function telemetryPartitions(db: Db) {
  /** One short DDL transaction under lock_timeout, tried again a few times when a lock is busy. */
  async function ddl(steps: (tx: Db) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await db.transaction(async (tx) => {
          await tx.execute(sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`));
          await steps(tx as unknown as Db);
        });
        return;
      } catch (err) {
        if (!isLockTimeout(err) || attempt >= LOCK_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  const partitions = {
    /** The day partitions attached to telemetry, oldest first. */
    async list(): Promise<{ name: string; from: number; to: number }[]> {
      const rows = rowsOf<{ name: string }>(
        await db.execute(sql`
          select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'telemetry'::regclass`),
      );
      return rows
        .map((r) => ({ name: r.name, range: partitionRange(r.name) }))
        .filter((p) => p.range !== null)
        .map((p) => ({ name: p.name, ...p.range! }))
        .sort((a, b) => a.from - b.from);
    },

    /**
     * Creates the missing day partitions of the days overlapping [from, to); returns their names.
     * Readings of such a day already in the DEFAULT partition move into the new one in the same
     * transaction (ATTACH would refuse while the DEFAULT partition holds rows of its range).
     */
    async ensure(from: number, to: number): Promise<string[]> {
      const existing = new Set((await partitions.list()).map((p) => p.name));
      const created: string[] = [];
      for (let day = dayStart(from); day < to; day += DAY_MS) {
        const name = partitionName(day);
        if (existing.has(name)) continue;
        const attach = ddl(async (tx) => {
          await tx.execute(sql`create table ${ident(name)} (like telemetry including defaults)`);
          // ATTACH takes this lock anyway: taken first, no reading can reach the DEFAULT
          // partition between the move and the ATTACH's check of it.
          await tx.execute(sql`lock table ${ident(DEFAULT_PARTITION)} in access exclusive mode`);
          await tx.execute(sql`
            with moved as (
              delete from ${ident(DEFAULT_PARTITION)} where ts >= ${utc(day)} and ts < ${utc(day + DAY_MS)} returning *
            ) insert into ${ident(name)} select * from moved`);
          await tx.execute(
            sql`alter table telemetry attach partition ${ident(name)} for values from (${utc(day)}) to (${utc(day + DAY_MS)})`,
          );
        });
        try {
          await attach;
        } catch (err) {
          // Another instance made it meanwhile (a lease changing hands): fine; anything else is not.
          if ((await partitions.list()).some((p) => p.name === name)) continue;
          throw err;
        }
        created.push(name);
      }
      return created;
    },

    /**
     * Drops every day partition that ends at or before `keepFrom` (a day start): DETACH and DROP
     * in one short transaction. Rows are counted first, outside it (nothing live writes there).
     */
    async dropBefore(keepFrom: number): Promise<DroppedPartition[]> {
      const dropped: DroppedPartition[] = [];
      for (const p of await partitions.list()) {
        if (p.to > keepFrom) break;
        const [row] = rowsOf<{ n: number | string }>(
          await db.execute(sql`select count(*)::int as n from ${ident(p.name)}`),
        );
        await ddl(async (tx) => {
          await tx.execute(sql`alter table telemetry detach partition ${ident(p.name)}`);
          await tx.execute(sql`drop table ${ident(p.name)}`);
        });
        dropped.push({ name: p.name, rows: Number(row?.n ?? 0) });
      }
      return dropped;
    },

    /** Deletes at most `limit` readings older than `before` from the DEFAULT partition; returns how many. */
    async deleteDefaultBefore(before: number, limit: number): Promise<number> {
      const [row] = rowsOf<{ n: number | string }>(
        await db.execute(sql`
          with d as (
            delete from ${ident(DEFAULT_PARTITION)} where ctid = any(array(
              select ctid from ${ident(DEFAULT_PARTITION)} where ts < ${utc(before)} limit ${limit}
            )) returning 1
          ) select count(*)::int as n from d`),
      );
      return Number(row?.n ?? 0);
    },

    /**
     * Deletes the rollup buckets (of every level) that ended at or before `before`, per asset of
     * the rollup (a loose scan of its primary key), as retention did before partitioning.
     */
    async deleteRollupBefore(before: number): Promise<number> {
      const assets = rowsOf<{ asset_id: string }>(
        await db.execute(sql`
          with recursive a as (
            (select asset_id from telemetry_rollup order by asset_id limit 1)
            union all
            select (select r.asset_id from telemetry_rollup r where r.asset_id > a.asset_id order by r.asset_id limit 1)
            from a where a.asset_id is not null
          )
          select asset_id from a where asset_id is not null`),
      );
      let deleted = 0;
      for (const { asset_id: assetId } of assets) {
        for (const widthS of ROLLUP_LEVELS_S) {
          const [row] = rowsOf<{ n: number | string }>(
            await db.execute(sql`
              with d as (
                delete from telemetry_rollup
                where asset_id = ${assetId} and width_s = ${widthS} and bucket <= ${utc(before - widthS * 1000)}
                returning 1
              ) select count(*)::int as n from d`),
          );
          deleted += Number(row?.n ?? 0);
        }
      }
      return deleted;
    },
  };
  return partitions;
}

export type TelemetryPartitions = ReturnType<typeof telemetryPartitions>;
