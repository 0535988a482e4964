/**
 * Clustered mode (issue 16): the one place where an instance gives seqs and commits points.
 * Submissions (simulator ticks, ingest requests, the owner's pending rows) that arrive while a
 * transaction runs share the next one; transactions run one at a time, so the seqs an instance
 * gives are in commit order. For an asset this instance owns, a reading newer than the live edge
 * gets the next seq, older ones are late (stored, not streamed); readings of assets it does not
 * own are stored pending for their owner. Only after the commit are the sequenced points
 * published (synchronously, in seq order): a client never sees a seq the database lacks, which
 * is what lets a new owner continue from the stored maximum with no gap and no repeat.
 */
import { NotStoredError } from '../ingest/group-commit';
import { readingKey } from '../db/telemetry-repo';
import { NotOwnerError, SeqConflictError, type SequencedRow } from '../db/stream-repo';
import type { Point } from './types';

/** new: sequenced and streamed; late: stored, not streamed; duplicate: stored before; queued: stored for the owner. */
export type SequencedStatus = 'new' | 'late' | 'duplicate' | 'queued';

export interface Submitted {
  assetId: string;
  point: Omit<Point, 'seq'>;
  /** The row is already stored as pending (the owner completing it). */
  update?: boolean;
}

export interface SequencedResult {
  status: SequencedStatus;
  point: Omit<Point, 'seq'> & { seq: number | null };
}

export interface SequencerDeps {
  commit(rows: SequencedRow[]): Promise<Set<string>>;
  /** Whether this instance owns the asset now (asked at commit time). */
  owns(assetId: string): boolean;
  /** The asset's stream position: the next seq and the newest streamed time. */
  cursor(assetId: string): { nextSeq: number; lastTs: number };
  /** Called after the commit, in seq order, for every sequenced point. */
  publish(assetId: string, point: Point): void;
}

interface Waiting {
  items: Submitted[];
  resolve: (r: SequencedResult[]) => void;
  reject: (e: unknown) => void;
}

/** How often a transaction is built again after it met rows stored meanwhile by someone else. */
const MAX_ATTEMPTS = 5;

export class Sequencer {
  private queue: Waiting[] = [];
  private running: Promise<void> | null = null;
  readonly stats = { commits: 0, failedCommits: 0, retries: 0 };

  constructor(private readonly deps: SequencerDeps) {}

  /** Resolves after commit with each item's status (rejects with NotStoredError when nothing was stored). */
  submit(items: Submitted[]): Promise<SequencedResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once everything submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the submissions of the current event-loop turn join the first transaction.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      const group = this.queue.splice(0);
      await this.run(group);
    }
    this.running = null;
  }

  private async run(group: Waiting[]): Promise<void> {
    const items = group.flatMap((w) => w.items);
    const known = new Set<string>(); // rows found stored by someone else: duplicates
    for (let attempt = 1; ; attempt++) {
      const plan = this.plan(items, known);
      let written: Set<string>;
      try {
        written = await this.deps.commit(plan.rows);
      } catch (err) {
        if (err instanceof SeqConflictError && attempt < MAX_ATTEMPTS) {
          // Rolled back: plan again with those rows as duplicates.
          this.stats.retries++;
          for (const k of err.keys) known.add(k);
          continue;
        }
        if (err instanceof NotOwnerError && attempt < MAX_ATTEMPTS) {
          // Rolled back, and the caller stepped down for those assets (owns() is false now): plan
          // again, their readings stored pending for the new owner, nothing numbered twice.
          this.stats.retries++;
          continue;
        }
        this.stats.failedCommits++;
        const failure = new NotStoredError(err);
        for (const w of group) w.reject(failure);
        return;
      }
      this.stats.commits++;
      // Publish in seq order, synchronously, before anyone can commit again.
      const published = new Map<SequencedRow, Point>();
      for (const r of plan.rows) {
        if (r.seq === null) continue;
        const point = r.point as Point;
        point.seq = r.seq;
        published.set(r, point);
        this.deps.publish(r.assetId, point);
      }
      let i = 0;
      for (const w of group) {
        const results: SequencedResult[] = [];
        for (const item of w.items) {
          const r = plan.byItem[i++];
          if (!r || !written.has(readingKey(r.assetId, r.point.ts)))
            results.push({ status: 'duplicate', point: { ...item.point, seq: null } });
          else if (published.has(r)) results.push({ status: 'new', point: published.get(r)! });
          else results.push({ status: r.pending ? 'queued' : 'late', point: { ...r.point, seq: null } });
        }
        w.resolve(results);
      }
      return;
    }
  }

  /** Seqs, late and pending for one attempt; cursors move only in this plan, never before commit. */
  private plan(items: Submitted[], known: Set<string>) {
    const cursors = new Map<string, { nextSeq: number; lastTs: number }>();
    const seen = new Set<string>();
    const rows: SequencedRow[] = [];
    const byItem: (SequencedRow | null)[] = [];
    for (const item of items) {
      const key = readingKey(item.assetId, item.point.ts);
      if (seen.has(key) || known.has(key)) {
        byItem.push(null);
        continue;
      }
      seen.add(key);
      let row: SequencedRow;
      if (!this.deps.owns(item.assetId)) {
        // Pending rows already stored stay as they are for the owner.
        if (item.update) {
          byItem.push(null);
          continue;
        }
        row = { assetId: item.assetId, point: item.point, seq: null, pending: true };
      } else {
        let c = cursors.get(item.assetId);
        if (!c) cursors.set(item.assetId, (c = { ...this.deps.cursor(item.assetId) }));
        const late = item.point.ts < c.lastTs;
        row = {
          assetId: item.assetId,
          point: item.point,
          seq: late ? null : c.nextSeq,
          pending: false,
          update: item.update,
        };
        if (!late) {
          c.nextSeq++;
          c.lastTs = item.point.ts;
        }
      }
      rows.push(row);
      byItem.push(row);
    }
    return { rows, byItem };
  }
}
