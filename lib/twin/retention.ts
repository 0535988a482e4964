/**
 * Retention and partition upkeep of the telemetry table (lib/db/telemetry-partitions.ts), at
 * start and every hour (clustered: on the one instance holding the `retention` lease):
 *  - the day partitions of today and the next AHEAD_DAYS days are created ahead of the readings;
 *  - every day partition wholly older than the retention cut-off (now - RETENTION_DAYS, rounded
 *    down to its UTC day) is dropped whole: no row deletes, no dead rows to vacuum;
 *  - the DEFAULT partition's readings older than the same cut-off are deleted in small batches,
 *    and so are the rollup buckets that ended before it.
 * Readings are kept at least RETENTION_DAYS and at most one day more (the day holding the
 * cut-off goes once it is wholly older); raw rows and rollup share the cut-off, so History shows
 * the same range at every resolution. Counts are logged and returned.
 */
import type { TelemetryPartitions } from '../db/telemetry-partitions';
import { DAY_MS, dayStart } from '../db/telemetry-partitions';
import type { Logger } from '../log';

export interface RetentionOptions {
  partitions: Pick<TelemetryPartitions, 'ensure' | 'dropBefore' | 'deleteDefaultBefore' | 'deleteRollupBefore'>;
  retentionDays: number;
  logger: Logger;
  /** Rows per DELETE statement in the DEFAULT partition. */
  batchSize?: number;
  /** Days after today with a partition made ahead. */
  aheadDays?: number;
  intervalMs?: number;
  now?: () => number;
  /** In a cluster: whether this instance runs the job now (one does; the others skip their turn). */
  shouldRun?: () => boolean;
}

export interface RetentionResult {
  /** Readings before this (ISO time, a UTC day start) are gone. */
  keepFrom: string;
  partitionsCreated: string[];
  partitionsDropped: string[];
  /** Readings that went with the dropped partitions. */
  rowsDropped: number;
  /** Readings deleted one by one (from the DEFAULT partition only). */
  rowsDeleted: number;
  rollupDeleted: number;
}

export interface RetentionJob {
  /** One pass now. */
  runOnce(): Promise<RetentionResult>;
  /** Runs a pass now and then every interval. */
  start(): void;
  /** Stops the timer and waits for a pass in progress to finish its current step. */
  stop(): Promise<void>;
}

export const RETENTION_INTERVAL_MS = 3_600_000;
export const RETENTION_BATCH = 5_000;
/** A week ahead: a pass missed for days (instance down, lease lost) still finds today's partition. */
export const AHEAD_DAYS = 7;

export function createRetentionJob(opts: RetentionOptions): RetentionJob {
  const log = opts.logger.child({ module: 'retention' });
  const batch = opts.batchSize ?? RETENTION_BATCH;
  const now = opts.now ?? Date.now;
  const { partitions } = opts;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionResult> | undefined;
  let stopped = false;

  async function pass(): Promise<RetentionResult> {
    const t0 = performance.now();
    const today = dayStart(now());
    const keepFrom = dayStart(now() - opts.retentionDays * DAY_MS);
    const partitionsCreated = await partitions.ensure(today, today + ((opts.aheadDays ?? AHEAD_DAYS) + 1) * DAY_MS);
    const dropped = stopped ? [] : await partitions.dropBefore(keepFrom);
    let rowsDeleted = 0;
    while (!stopped) {
      const n = await partitions.deleteDefaultBefore(keepFrom, batch);
      rowsDeleted += n;
      if (n < batch) break;
      // Let the pipeline's writes in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const rollupDeleted = stopped ? 0 : await partitions.deleteRollupBefore(keepFrom);
    const result: RetentionResult = {
      keepFrom: new Date(keepFrom).toISOString(),
      partitionsCreated,
      partitionsDropped: dropped.map((p) => p.name),
      rowsDropped: dropped.reduce((n, p) => n + p.rows, 0),
      rowsDeleted,
      rollupDeleted,
    };
    const gone = result.rowsDropped + rowsDeleted;
    log.info(
      { ...result, ms: Math.round(performance.now() - t0) },
      gone ? 'old readings removed' : 'no reading older than the retention period',
    );
    return result;
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
