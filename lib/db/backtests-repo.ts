/**
 * Backtest jobs (issue 19): the durable copy of each job, so the list and a finished job's figures
 * survive a restart. State changes are conditional on the job still running, which is what lets a
 * cancel (or the start-up sweep) win over the background loop: once the row is no longer
 * `running`, the loop's next progress write finds nothing to update and the loop stops.
 */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { BacktestJob, BacktestPage, BacktestResult } from '../serving/backtest-types';
import type { Db } from './client';
import { backtests } from './schema';

type Row = typeof backtests.$inferSelect;

const LIVE = ['queued', 'running'] as const;

function toJob(r: Row): BacktestJob {
  return {
    id: r.id,
    request: {
      name: r.modelName,
      version: r.modelVersion,
      assetId: r.assetId,
      from: r.rangeFrom.getTime(),
      to: r.rangeTo.getTime(),
    },
    servingVersion: r.servingVersion,
    status: r.status,
    progress: { done: r.progressDone, total: r.progressTotal },
    startedBy: r.startedBy,
    startedAt: r.startedAt.getTime(),
    finishedAt: r.finishedAt ? r.finishedAt.getTime() : null,
    error: r.error,
    result: (r.result as BacktestResult | null) ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function backtestsRepo(db: Db) {
  const byId = (id: string) => eq(backtests.id, id);
  return {
    /** A new job, run by `owner` (one console process). */
    async insert(job: BacktestJob, owner: string): Promise<void> {
      await db.insert(backtests).values({
        id: job.id,
        owner,
        heartbeatAt: new Date(job.startedAt),
        startedBy: job.startedBy,
        modelName: job.request.name,
        modelVersion: job.request.version,
        servingVersion: job.servingVersion,
        assetId: job.request.assetId,
        rangeFrom: new Date(job.request.from),
        rangeTo: new Date(job.request.to),
        status: job.status,
        progressDone: job.progress.done,
        progressTotal: job.progress.total,
        startedAt: new Date(job.startedAt),
      });
    },

    /** The job, or null (also for an id that is not a uuid: no such job). */
    async get(id: string): Promise<BacktestJob | null> {
      if (!UUID.test(id)) return null;
      const [row] = await db.select().from(backtests).where(byId(id)).limit(1);
      return row ? toJob(row) : null;
    },

    /**
     * Newest first. `before` is the id of the last job of the previous page; an unknown one
     * answers null (the caller names the field).
     */
    async page(limit: number, before?: string): Promise<BacktestPage | null> {
      let cursor;
      if (before !== undefined) {
        const [after] = UUID.test(before)
          ? await db.select({ startedAt: backtests.startedAt }).from(backtests).where(byId(before)).limit(1)
          : [];
        if (!after) return null;
        cursor = sql`(${backtests.startedAt}, ${backtests.id}) < (${after.startedAt}, ${before}::uuid)`;
      }
      const rows = await db
        .select()
        .from(backtests)
        .where(cursor)
        .orderBy(desc(backtests.startedAt), desc(backtests.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit).map(toJob);
      return { backtests: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
    },

    /** Records progress; false when the job is no longer running (cancelled, swept): stop. */
    async progress(id: string, done: number): Promise<boolean> {
      const rows = await db
        .update(backtests)
        .set({ progressDone: done, heartbeatAt: new Date() })
        .where(and(byId(id), eq(backtests.status, 'running')))
        .returning({ id: backtests.id });
      return rows.length > 0;
    },

    /** Ends a running job (done with its result, or failed with a message); false if it had already ended. */
    async finish(
      id: string,
      end: { status: 'done'; done: number; result: BacktestResult } | { status: 'failed'; done: number; error: string },
      at: number = Date.now(),
    ): Promise<boolean> {
      const rows = await db
        .update(backtests)
        .set({
          status: end.status,
          progressDone: end.done,
          finishedAt: new Date(at),
          ...(end.status === 'done' ? { result: end.result } : { error: end.error }),
        })
        .where(and(byId(id), eq(backtests.status, 'running')))
        .returning({ id: backtests.id });
      return rows.length > 0;
    },

    /**
     * Cancels a queued or running job, keeping the progress it had (`done` when the caller knows
     * more than was last written). The cancelled job, or null when it is not live (or unknown).
     */
    async cancel(id: string, done?: number): Promise<BacktestJob | null> {
      if (!UUID.test(id)) return null;
      const [row] = await db
        .update(backtests)
        .set({
          status: 'cancelled',
          finishedAt: new Date(),
          ...(done === undefined ? {} : { progressDone: sql`greatest(${backtests.progressDone}, ${done})` }),
        })
        .where(and(byId(id), inArray(backtests.status, [...LIVE])))
        .returning();
      return row ? toJob(row) : null;
    },

    /**
     * Jobs no process is running any more become `interrupted`, with their progress: those of
     * `owner` (called at its start: its previous process is gone) and any whose heartbeat is older
     * than `staleBefore` (an instance that stopped and has not come back).
     */
    async interruptAbandoned(owner: string, staleBefore: Date): Promise<number> {
      const rows = await db
        .update(backtests)
        .set({ status: 'interrupted', finishedAt: new Date() })
        .where(
          and(
            inArray(backtests.status, [...LIVE]),
            or(eq(backtests.owner, owner), lt(backtests.heartbeatAt, staleBefore)),
          ),
        )
        .returning({ id: backtests.id });
      return rows.length;
    },
  };
}

export type BacktestsRepo = ReturnType<typeof backtestsRepo>;
