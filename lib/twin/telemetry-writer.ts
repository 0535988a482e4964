/**
 * Batches points into the telemetry table: one INSERT per flush (every `intervalMs` or when
 * `batchSize` rows wait). A database hiccup never blocks the live stream: rows wait in memory
 * (bounded by `maxPending`, oldest dropped and counted beyond that) and go with the next flush.
 */
import type { Logger } from '../log';
import type { Point } from './types';

export interface TelemetrySink {
  insertMany(rows: { assetId: string; point: Point }[]): Promise<void>;
}

export interface WriterOptions {
  intervalMs?: number;
  batchSize?: number;
  maxPending?: number;
}

export class TelemetryWriter {
  private pending: { assetId: string; point: Point }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  /** Totals since start, for metrics and tests. */
  readonly stats = { written: 0, dropped: 0, failedFlushes: 0 };

  constructor(
    private readonly sink: TelemetrySink,
    private readonly log: Logger,
    opts: WriterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    this.batchSize = opts.batchSize ?? 2_000;
    this.maxPending = opts.maxPending ?? 200_000;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  enqueue(assetId: string, point: Point): void {
    this.pending.push({ assetId, point });
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.pending.splice(0, over);
      this.stats.dropped += over;
      this.log.error({ dropped: over }, 'telemetry backlog full: oldest unsaved points dropped');
    }
    if (this.pending.length >= this.batchSize) void this.flush();
  }

  get backlog(): number {
    return this.pending.length;
  }

  /** Writes what is pending; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.slice(0, this.batchSize);
      try {
        await this.sink.insertMany(batch);
      } catch (err) {
        this.stats.failedFlushes++;
        this.log.warn({ err, backlog: this.pending.length }, 'telemetry write failed; will retry');
        return;
      }
      // Only now remove them: a failed write keeps them for the next flush.
      this.pending.splice(0, batch.length);
      this.stats.written += batch.length;
    }
  }

  /** Stops the timer and writes everything still pending (shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.pending.length) await this.flush();
  }
}
