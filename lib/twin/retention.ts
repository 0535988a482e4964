/**
 * Retention: readings older than RETENTION_DAYS are deleted at start and every hour, per asset in
 * small batches (through the (asset_id, ts) index), so no statement holds locks for long and the
 * live pipeline's inserts never wait behind a big delete. Counts are logged.
 */
import type { TelemetryHistoryRepo } from '../db/telemetry-history-repo';
import type { Logger } from '../log';

export interface RetentionOptions {
  repo: Pick<TelemetryHistoryRepo, 'assetIds' | 'deleteOlderThan'>;
  retentionDays: number;
  logger: Logger;
  /** Rows per DELETE statement. */
  batchSize?: number;
  intervalMs?: number;
  now?: () => number;
  /** In a cluster: whether this instance runs the job now (one does; the others skip their turn). */
  shouldRun?: () => boolean;
}

export interface RetentionJob {
  /** One pass now; resolves with the rows deleted (per asset). */
  runOnce(): Promise<Record<string, number>>;
  /** Runs a pass now and then every interval. */
  start(): void;
  /** Stops the timer and waits for a pass in progress to finish its current batch. */
  stop(): Promise<void>;
}

export const RETENTION_INTERVAL_MS = 3_600_000;
export const RETENTION_BATCH = 5_000;

export function createRetentionJob(opts: RetentionOptions): RetentionJob {
  const log = opts.logger.child({ module: 'retention' });
  const batch = opts.batchSize ?? RETENTION_BATCH;
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Record<string, number>> | undefined;
  let stopped = false;

  async function pass(): Promise<Record<string, number>> {
    const cutoff = new Date(now() - opts.retentionDays * 86_400_000);
    const t0 = performance.now();
    const deleted: Record<string, number> = {};
    for (const assetId of await opts.repo.assetIds()) {
      let total = 0;
      for (;;) {
        if (stopped) break;
        const n = await opts.repo.deleteOlderThan(assetId, cutoff, batch);
        total += n;
        if (n < batch) break;
        // Let the pipeline's writes in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total) deleted[assetId] = total;
    }
    const sum = Object.values(deleted).reduce((a, b) => a + b, 0);
    log.info(
      { cutoff: cutoff.toISOString(), deleted: sum, byAsset: deleted, ms: Math.round(performance.now() - t0) },
      sum ? 'old readings deleted' : 'no reading older than the retention period',
    );
    return deleted;
  }

  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      stopped = false;
      const tick = () => {
        if (opts.shouldRun?.() === false) return;
        void runOnce().catch((err: unknown) => log.warn({ err }, 'retention pass failed'));
      };
      tick();
      timer = setInterval(tick, opts.intervalMs ?? RETENTION_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
