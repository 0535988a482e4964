/**
 * Backtests (issue 19): a registered model version scored on stored history of one asset, beside
 * the serving version, against the measured values where they were recorded (`actual`): MAE,
 * bias and band coverage for each, and how far the two disagree. Runs in the background, a chunk
 * of stored rows at a time with a yield to the event loop between chunks, on a session of its own
 * (the candidate is loaded apart from the serving sessions), so live scoring goes on undisturbed.
 * Jobs live in memory (the last MAX_JOBS), like the A/B figures.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TwinModel } from '../model';
import type { StoredPoint } from '../db/telemetry-repo';
import { DomainError } from '../errors/domain-error';
import type { Logger } from '../log';
import { Overlay, Tally, type BacktestFigures, type OverlaySeries } from './backtest-figures';

export type { BacktestFigures } from './backtest-figures';

const MAX_JOBS = 20;
const MAX_RANGE_MS = 366 * 86_400_000;

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

export interface BacktestResult {
  rows: number;
  /** Rows outside the candidate's valid ranges (not scored). */
  skipped: number;
  candidate: BacktestFigures;
  serving: BacktestFigures | null;
  /** Mean |candidate - serving| over the rows both scored. */
  meanAbsDifference: number | null;
  overlay: OverlaySeries;
}

export interface BacktestJob {
  id: string;
  request: BacktestRequest;
  servingVersion: string | null;
  status: 'running' | 'done' | 'failed';
  progress: { done: number; total: number };
  startedBy: string;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
  result: BacktestResult | null;
}

export class BacktestNotFoundError extends DomainError {
  constructor(id: string) {
    super({ status: 404, code: 'backtest_not_found', message: `no backtest ${id}` });
    this.name = 'BacktestNotFoundError';
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
  logger: Logger;
}

export function createBacktests(deps: BacktestDeps) {
  const jobs = new Map<string, BacktestJob>();
  const log = deps.logger.child({ module: 'backtest' });

  async function run(job: BacktestJob, candidate: TwinModel, serving: TwinModel | null): Promise<void> {
    const { assetId, from, to } = job.request;
    const c = new Tally(candidate.manifest.version);
    const s = serving ? new Tally(serving.manifest.version) : null;
    const overlay = new Overlay(from, to);
    const width = candidate.manifest.features.length;
    let rows = 0;
    let skipped = 0;
    let diff = 0;
    let both = 0;
    for await (const chunk of deps.rows(assetId, from, to)) {
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
      rows += chunk.length;
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
      job.progress.done = rows;
      // Let live scoring, HTTP and sockets run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    job.result = {
      rows,
      skipped,
      candidate: c.figures(),
      serving: s?.figures() ?? null,
      meanAbsDifference: both ? diff / both : null,
      overlay: overlay.result(),
    };
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
      const serving = deps.serving();
      const total = await deps.countRows(request.assetId, request.from, request.to);
      const job: BacktestJob = {
        id: randomUUID(),
        request,
        servingVersion: serving?.manifest.version ?? null,
        status: 'running',
        progress: { done: 0, total },
        startedBy: by,
        startedAt: Date.now(),
        finishedAt: null,
        error: null,
        result: null,
      };
      jobs.set(job.id, job);
      for (const old of jobs.keys()) if (jobs.size > MAX_JOBS) jobs.delete(old);
      log.info({ id: job.id, version: request.version, assetId: request.assetId, rows: total, by }, 'backtest started');
      void run(job, candidate, serving)
        .then(() => (job.status = 'done'))
        .catch((err: unknown) => {
          job.status = 'failed';
          job.error = err instanceof Error ? err.message : String(err);
          log.warn({ err, id: job.id }, 'backtest failed');
        })
        .finally(() => {
          job.finishedAt = Date.now();
          void candidate.dispose();
        });
      return job;
    },
    get(id: string): BacktestJob {
      const job = jobs.get(id);
      if (!job) throw new BacktestNotFoundError(id);
      return job;
    },
    /** Newest first. */
    list(): BacktestJob[] {
      return [...jobs.values()].reverse();
    },
  };
}

export type Backtests = ReturnType<typeof createBacktests>;
