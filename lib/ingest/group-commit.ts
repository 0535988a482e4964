/**
 * Group commit: requests that arrive while a commit is running wait for the next one and share
 * it, so one transaction (one INSERT ... ON CONFLICT DO NOTHING RETURNING, one fsync) stores the
 * readings of many concurrent requests. Each request's promise settles only after the
 * transaction holding its rows committed (or failed): "acknowledged means kept".
 */
import type { Point } from '../twin/types';

export interface StoredRow {
  assetId: string;
  point: Point;
}

export interface CommitSink {
  /** Stores the rows not stored yet, in one transaction; resolves after commit with those rows (same objects). */
  insertNew(rows: StoredRow[]): Promise<StoredRow[]>;
}

/** The transaction did not commit: none of the request's rows may be acknowledged. */
export class NotStoredError extends Error {
  constructor(cause: unknown) {
    super('the readings were not stored', { cause });
    this.name = 'NotStoredError';
  }
}

interface Waiting {
  rows: StoredRow[];
  resolve: (inserted: Set<StoredRow>) => void;
  reject: (err: NotStoredError) => void;
}

export interface GroupCommitStats {
  commits: number;
  rows: number;
  failedCommits: number;
}

export class GroupCommit {
  private queue: Waiting[] = [];
  private running: Promise<void> | undefined;
  readonly stats: GroupCommitStats = { commits: 0, rows: 0, failedCommits: 0 };

  /** `maxRows` bounds one transaction (a request is never split across two). */
  constructor(
    private readonly sink: CommitSink,
    private readonly maxRows = 20_000,
  ) {}

  /**
   * Resolves after commit with the subset of `rows` this request inserted (the others were
   * stored before, or earlier in the same commit by another request); rejects with
   * NotStoredError when the commit failed.
   */
  submit(rows: StoredRow[]): Promise<Set<StoredRow>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Resolves once every request submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the requests of the current event-loop turn join the first commit too.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      const group: Waiting[] = [];
      let size = 0;
      while (this.queue.length && (group.length === 0 || size + this.queue[0]!.rows.length <= this.maxRows)) {
        const w = this.queue.shift()!;
        group.push(w);
        size += w.rows.length;
      }
      const rows = group.flatMap((w) => w.rows);
      try {
        const inserted = new Set(await this.sink.insertNew(rows));
        this.stats.commits++;
        this.stats.rows += inserted.size;
        for (const w of group) w.resolve(inserted);
      } catch (err) {
        this.stats.failedCommits++;
        const failure = new NotStoredError(err);
        for (const w of group) w.reject(failure);
      }
    }
  }
}
