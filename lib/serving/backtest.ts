/**
 * Backtests (issue 19): a registered model version scored on stored history of one asset, beside
 * the serving version, against the measured values where they were recorded (`actual`): MAE,
 * bias and band coverage for each, and how far the two disagree. Runs in the background, a chunk
 * of stored rows at a time with a yield to the event loop between chunks, on a session of its own
 * (the candidate is loaded apart from the serving sessions), so live scoring goes on undisturbed.
 * Jobs are kept in the database (lib/db/backtests-repo.ts): the list and a finished job's figures
 * survive a restart, and a job cut off by a stop is marked `interrupted` at the next start. An admin
 * can cancel a running job; the loop stops at its next chunk.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TwinModel } from '../model';
import type { StoredPoint } from '../db/telemetry-repo';
import { DomainError, readDomainError } from '../errors/domain-error';
import type { Logger } from '../log';
import type { AuditRepo } from '../db/audit-repo';
import type { BacktestsRepo } from '../db/backtests-repo';
import { Overlay, Tally } from './backtest-figures';
import type { BacktestJob, BacktestPage, BacktestResult } from './backtest-types';

export type { BacktestFigures } from './backtest-figures';
export type { BacktestJob, BacktestPage, BacktestResult, BacktestStatus } from './backtest-types';

const MAX_RANGE_MS = 366 * 86_400_000;
/** A live job whose heartbeat (written after every chunk) is older than this has lost its process. */
const STALE_MS = 5 * 60_000;

export const backtestRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    version: z.string().min(1).max(100),
    assetId: z.string().min(1).max(100),
    from: z.number({ error: 'from must be epoch milliseconds' }).int().min(0).max(253_402_300_799_999),
    to: z.number({ error: 'to must be epoch milliseconds' }).int().min(0).max(253_402_300_799_999),
  })
  .superRefine((r, ctx) => {
    if (r.to <= r.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    else if (r.to - r.from > MAX_RANGE_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a backtest covers at most 366 days' });
  });
export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

export class BacktestNotFoundError extends DomainError {
  constructor(id: string) {
    super({ status: 404, code: 'backtest_not_found', message: `no backtest ${id}` });
    this.name = 'BacktestNotFoundError';
  }
}

export class BacktestFinishedError extends DomainError {
  constructor(id: string, status: string) {
    super({ status: 409, code: 'backtest_finished', message: `backtest ${id} has already ended (${status})` });
    this.name = 'BacktestFinishedError';
  }
}

export interface BacktestDeps {
  /** Loads a registered version on a session of its own (404 when there is none); the caller disposes it. */
  loadVersion(ref: { name: string; version: string }): Promise<TwinModel>;
  /** The serving version's model (null while degraded). */
  serving(): TwinModel | null;
  hasAsset(assetId: string): boolean;
  countRows(assetId: string, from: number, to: number): Promise<number>;
  rows(assetId: string, from: number, to: number, chunk?: number): AsyncGenerator<StoredPoint[]>;
  repo: BacktestsRepo;
  audit: Pick<AuditRepo, 'record'>;
  logger: Logger;
  /**
   * This console process among those sharing the database: stable across its restarts (host and
   * data directory, which the data-directory lock gives to one process at a time).
   */
  owner: string;
  /** Stored rows scored per chunk (the unit of progress and of cancelling); the repository's default when absent. */
  chunkRows?: number;
}

/** A failure in words for the API: no absolute paths (model files, the data directory) leak out. */
export function failureMessage(err: unknown): string {
  const shape = readDomainError(err);
  const text = shape ? shape.message : err instanceof Error ? err.message : String(err);
  return text.replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, '<path>').slice(0, 500);
}

/** A running job in this process: the live copy the API reads, and why its loop should stop. */
interface Live {
  job: BacktestJob;
  stop: 'cancel' | 'shutdown' | null;
  ended: Promise<void>;
}

/**
 * The backtest service. Marks the jobs the previous process left running as `interrupted` before
 * it answers (so none shows as running forever).
 */
export async function startBacktests(deps: BacktestDeps) {
  const { repo } = deps;
  const live = new Map<string, Live>();
  const log = deps.logger.child({ module: 'backtest' });
  /** Marks abandoned jobs interrupted: `owner`'s (its previous process is gone) and any gone quiet. */
  const sweep = async (owner: string) => {
    const swept = await repo.interruptAbandoned(owner, new Date(Date.now() - STALE_MS));
    if (swept) log.warn({ jobs: swept }, 'backtests cut off by a stop marked interrupted');
  };
  await sweep(deps.owner);

  /** Scores the rows; null when told to stop (cancel, shutdown) or when the row is no longer running. */
  async function run(entry: Live, candidate: TwinModel, serving: TwinModel | null): Promise<BacktestResult | null> {
    const { job } = entry;
    const { assetId, from, to } = job.request;
    const c = new Tally(candidate.manifest.version);
    const s = serving ? new Tally(serving.manifest.version) : null;
    const overlay = new Overlay(from, to);
    const width = candidate.manifest.features.length;
    let rows = 0;
    let skipped = 0;
    let diff = 0;
    let both = 0;
    for await (const chunk of deps.rows(assetId, from, to, deps.chunkRows)) {
      if (entry.stop) return null;
      const kept: StoredPoint[] = [];
      const flat = new Float32Array(chunk.length * width);
      for (const p of chunk) {
        const check = candidate.check(p.values);
        if (!check.ok) {
          skipped++;
          continue;
        }
        flat.set(check.row, kept.length * width);
        kept.push(p);
      }
      if (kept.length) {
        const input = flat.subarray(0, kept.length * width);
        const cs = await candidate.predictRows(input, kept.length);
        const ss = serving ? await serving.predictRows(input, kept.length) : null;
        kept.forEach((p, i) => {
          const pc = cs.prediction[i]!;
          c.add(pc, cs.lower?.[i] ?? null, cs.upper?.[i] ?? null, p.actual);
          overlay.add('candidate', p.ts, pc);
          if (p.actual !== null) overlay.add('actual', p.ts, p.actual);
          if (ss && s) {
            const ps = ss.prediction[i]!;
            s.add(ps, ss.lower?.[i] ?? null, ss.upper?.[i] ?? null, p.actual);
            overlay.add('serving', p.ts, ps);
            diff += Math.abs(pc - ps);
            both++;
          }
        });
      }
      // A cancel that came while this chunk was scored keeps the progress it saw.
      if (entry.stop) return null;
      rows += chunk.length;
      job.progress.done = rows;
      // Written after every chunk: a stop keeps how far the job got, and a cancel (or another
      // writer) that ended the row stops the loop here.
      if (!(await repo.progress(job.id, rows))) return null;
      // Let live scoring, HTTP and sockets run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      rows,
      skipped,
      candidate: c.figures(),
      serving: s?.figures() ?? null,
      meanAbsDifference: both ? diff / both : null,
      overlay: overlay.result(),
    };
  }

  async function settle(entry: Live, candidate: TwinModel, serving: TwinModel | null): Promise<void> {
    const { job } = entry;
    try {
      const result = await run(entry, candidate, serving);
      const at = Date.now();
      // The live copy ends exactly as the stored one, so a reader sees the same job either way.
      if (result && (await repo.finish(job.id, { status: 'done', done: result.rows, result }, at))) {
        Object.assign(job, { status: 'done', result, finishedAt: at });
        log.info({ id: job.id, rows: result.rows }, 'backtest done');
      }
    } catch (err) {
      const error = failureMessage(err);
      log.warn({ err, id: job.id }, 'backtest failed');
      if (entry.stop !== 'shutdown')
        await repo
          .finish(job.id, { status: 'failed', done: job.progress.done, error })
          .catch((e: unknown) => log.warn({ err: e, id: job.id }, 'could not record the failed backtest'));
    } finally {
      live.delete(job.id);
      await candidate.dispose().catch(() => {});
    }
  }

  return {
    /** Starts a backtest; answers at once with the running job (poll `get`). */
    async start(request: BacktestRequest, by: string): Promise<BacktestJob> {
      if (!deps.hasAsset(request.assetId))
        throw new DomainError({
          status: 400,
          code: 'validation_failed',
          message: `unknown asset "${request.assetId}"`,
          fields: [{ field: 'assetId', message: `unknown asset "${request.assetId}"` }],
        });
      const candidate = await deps.loadVersion(request);
      // Until the loop owns the candidate's session, a refusal here must dispose of it.
      let handedOver = false;
      try {
        const serving = deps.serving();
        const total = await deps.countRows(request.assetId, request.from, request.to);
        const job: BacktestJob = {
          id: randomUUID(),
          request: { ...request },
          servingVersion: serving?.manifest.version ?? null,
          status: 'running',
          progress: { done: 0, total },
          startedBy: by,
          startedAt: Date.now(),
          finishedAt: null,
          error: null,
          result: null,
        };
        await repo.insert(job, deps.owner);
        // The answer shows the job as it started, whatever the loop does meanwhile.
        const started = { ...job, progress: { ...job.progress } };
        const entry: Live = { job, stop: null, ended: Promise.resolve() };
        live.set(job.id, entry);
        entry.ended = settle(entry, candidate, serving);
        handedOver = true;
        await deps.audit.record({
          actor: by,
          action: 'backtest.start',
          target: job.id,
          outcome: 'success',
          details: { name: request.name, version: request.version, assetId: request.assetId, rows: total },
        });
        log.info(
          { id: job.id, version: request.version, assetId: request.assetId, rows: total, by },
          'backtest started',
        );
        return started;
      } catch (err) {
        if (!handedOver) await candidate.dispose().catch(() => {});
        throw err;
      }
    },

    /** A job: the live copy while it runs here, else the stored one; 404 when unknown. */
    async get(id: string): Promise<BacktestJob> {
      const running = live.get(id);
      if (running) return { ...running.job, progress: { ...running.job.progress } };
      const job = await repo.get(id);
      if (!job) throw new BacktestNotFoundError(id);
      return job;
    },

    /** Newest first, `limit` a page; null for an unknown cursor. Running jobs show their live progress. */
    async list(limit = 20, before?: string): Promise<BacktestPage | null> {
      // Another instance may have stopped for good since: none of its jobs lists as running forever.
      await sweep('');
      const page = await repo.page(limit, before);
      if (!page) return null;
      page.backtests = page.backtests.map((j) => {
        const running = live.get(j.id)?.job;
        return running && j.status === 'running' ? { ...j, progress: { ...running.progress } } : j;
      });
      return page;
    },

    /**
     * Cancels a queued or running job: its loop stops at the next chunk and it keeps the progress
     * it had. 404 for an unknown id, 409 when it has already ended. Audited.
     */
    async cancel(id: string, by: string): Promise<BacktestJob> {
      const entry = live.get(id);
      const cancelled = await repo.cancel(id, entry?.job.progress.done);
      if (!cancelled) {
        const job = await repo.get(id);
        if (!job) throw new BacktestNotFoundError(id);
        await deps.audit.record({
          actor: by,
          action: 'backtest.cancel',
          target: id,
          outcome: 'failure',
          details: { reason: `already ${job.status}` },
        });
        throw new BacktestFinishedError(id, job.status);
      }
      if (entry) {
        entry.stop = 'cancel';
        Object.assign(entry.job, {
          status: 'cancelled',
          finishedAt: cancelled.finishedAt,
          progress: { ...cancelled.progress },
        });
      }
      await deps.audit.record({
        actor: by,
        action: 'backtest.cancel',
        target: id,
        outcome: 'success',
        details: { done: cancelled.progress.done, total: cancelled.progress.total },
      });
      log.info({ id, by, done: cancelled.progress.done }, 'backtest cancelled');
      return cancelled;
    },

    /**
     * Stops the loops at their next chunk without ending their rows, as a crash would: the next
     * start marks them `interrupted` with the progress they had.
     */
    async close(): Promise<void> {
      const entries = [...live.values()];
      for (const e of entries) e.stop ??= 'shutdown';
      await Promise.all(entries.map((e) => e.ended));
    },
  };
}

export type Backtests = Awaited<ReturnType<typeof startBacktests>>;
