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
  private scheduled = false;
  private inFlight = 0;
  /** Settles after every group taken so far has been answered (answers go out in order). */
  private answered: Promise<void> = Promise.resolve();
  private readonly unanswered = new Set<Promise<void>>();
  readonly stats: GroupCommitStats = { commits: 0, rows: 0, failedCommits: 0 };

  /**
   * `maxRows` bounds one transaction (a request is never split across two). `maxInFlight`
   * transactions may run at once (PostgreSQL: while one waits for its WAL flush the next is
   * built and sent, and the server merges their flushes; PGlite, one connection: 1). Whatever
   * finishes first, requests are answered in the order they were submitted, so a later reading
   * of an asset is never published before an earlier one (which would then count as late).
   */
  constructor(
    private readonly sink: CommitSink,
    private readonly maxRows = 20_000,
    private readonly maxInFlight = 1,
  ) {}

  /**
   * Resolves after commit with the subset of `rows` this request inserted (the others were
   * stored before, or earlier in the same commit by another request); rejects with
   * NotStoredError when the commit failed.
   */
  submit(rows: StoredRow[]): Promise<Set<StoredRow>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Let the requests of the current event-loop turn join the same commit.
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  /** Resolves once every request submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.scheduled || this.queue.length || this.unanswered.size) {
      if (this.unanswered.size) await Promise.all(this.unanswered);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const group: Waiting[] = [];
      let size = 0;
      while (this.queue.length && (group.length === 0 || size + this.queue[0]!.rows.length <= this.maxRows)) {
        const w = this.queue.shift()!;
        group.push(w);
        size += w.rows.length;
      }
      this.inFlight++;
      const outcome = this.sink.insertNew(group.flatMap((w) => w.rows)).then(
        (inserted) => ({ ok: true as const, inserted: new Set(inserted) }),
        (err: unknown) => ({ ok: false as const, err }),
      );
      void outcome.then(() => {
        this.inFlight--;
        // Requests that queued meanwhile go into the next transaction at once.
        this.pump();
      });
      const answer = Promise.all([this.answered, outcome]).then(([, o]) => {
        if (o.ok) {
          this.stats.commits++;
          this.stats.rows += o.inserted.size;
          for (const w of group) w.resolve(o.inserted);
        } else {
          this.stats.failedCommits++;
          const failure = new NotStoredError(o.err);
          for (const w of group) w.reject(failure);
        }
      });
      this.answered = answer;
      this.unanswered.add(answer);
      void answer.finally(() => this.unanswered.delete(answer));
    }
  }
}
