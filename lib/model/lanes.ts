/**
 * Which thread runs a batch. The console runs on 2 cores, and onnxruntime-node's `run` holds
 * the thread that calls it for the whole inference, so there are two lanes: the calling thread
 * ("inline") and one worker thread (inference-pool.ts), each with its own session of the model
 * and each summarizing the rows it ran.
 *
 * - Small runs (< OFFLOAD_MIN_ROWS: the pipeline's rows per tick, what-if requests) stay inline:
 *   a message round trip would cost more than the run.
 * - A larger run goes to the worker, so the calling thread stays free to parse and answer other
 *   requests meanwhile; it queues there behind the runs already posted.
 * - Once the worker has WORKER_QUEUE_ROWS rows queued, the run goes inline instead: the worker is
 *   then the bottleneck and the calling thread takes a share of the model work. The calling thread
 *   is held meanwhile, and it has work of its own (a 1,000-row API batch costs it ~2-3 ms of JSON,
 *   validation and HTTP besides the ~4 ms model run), so it should take only a share. Measured
 *   with `bench:api`'s batch load (1,000-row requests, 4 in flight, 2 cores), interleaved runs:
 *   from 3,000 queued rows 166-184k rows/s, from 4,000 (at 4 in flight the worker takes every
 *   run, the server thread only does HTTP and JSON) 186-199k. Earlier, with a slower band and
 *   answer encoding: inline whenever the worker was busy at all 83-96k, never 100-104k.
 * - Bulk runs (>= SPLIT_MIN_ROWS, beyond what one API request may send by default) are split
 *   between the worker and the calling thread in alternating blocks, whatever the worker is doing.
 *
 * A worker that failed (crash, exit) is replaced at the next run that would use it.
 */
import type { SummaryTargets } from './member-summary.mjs';

/** Scores float [N, F] rows: the model's [N, M] output summarized row by row (member-summary.mjs). */
export interface RowRunner {
  /**
   * Runs `n` rows (row-major, `features` per row) and writes row r's prediction and band to `out`
   * at index `order ? order[r] : r` (a caller that reordered its rows gets them back in place).
   */
  score(rows: Float32Array, n: number, out: SummaryTargets, order?: Int32Array): Promise<void>;
  release(): Promise<void>;
}

/** Rows from which a run goes to the worker (unless its queue is full, see WORKER_QUEUE_ROWS). */
export const OFFLOAD_MIN_ROWS = 256;
/** Rows from which a run is split between the worker and the calling thread (bulk scoring). */
export const SPLIT_MIN_ROWS = 4_096;

export type Lane = 'inline' | 'worker' | 'split';

/** Rows queued on the worker (~15 ms of work for the shipped forest) from which runs go inline. */
export const WORKER_QUEUE_ROWS = 4_000;

export function chooseLane(n: number, workerQueuedRows: number): Lane {
  if (n < OFFLOAD_MIN_ROWS) return 'inline';
  if (n >= SPLIT_MIN_ROWS) return 'split';
  return workerQueuedRows < WORKER_QUEUE_ROWS ? 'worker' : 'inline';
}

/** What the lanes need of a worker (InferenceWorker; tests may pass their own). */
export interface WorkerLane {
  readonly usable: boolean;
  /** Rows posted to it and not answered yet. */
  readonly queuedRows: number;
  score: RowRunner['score'];
  close(): Promise<void>;
}

/** `inline` plus a worker started at the first run that needs it (and again after a failure). */
export function withLanes(inline: RowRunner, startWorker: () => WorkerLane, features: number): RowRunner {
  let worker: WorkerLane | null = null;
  const liveWorker = (): WorkerLane => {
    if (!worker?.usable) worker = startWorker();
    return worker;
  };
  return {
    async score(rows, n, out, order) {
      // The worker is only started (or restarted) for runs that may use it.
      const lane = chooseLane(n, n >= OFFLOAD_MIN_ROWS ? liveWorker().queuedRows : 0);
      if (lane === 'inline') return inline.score(rows, n, out, order);
      if (lane === 'worker') return liveWorker().score(rows, n, out, order);
      // Alternate blocks of rows between the lanes rather than one half each: rows come Morton
      // ordered, and the trees are deeper in some parts of the input space than in others, so
      // one half can take much longer than the other (measured: the worker idle ~30 % of a
      // 10,000-row split). Blocks keep neighbouring rows together for the tree walk.
      const parts = interleave(rows, n, features, order);
      // The worker's share is posted first, so it computes while this thread runs its own.
      const first = liveWorker().score(parts.worker.rows, parts.worker.n, out, parts.worker.order);
      const second = inline.score(parts.inline.rows, parts.inline.n, out, parts.inline.order);
      await Promise.all([first, second]);
    },
    async release() {
      await worker?.close();
      worker = null;
      await inline.release();
    },
  };
}

/** Blocks per lane when a run is split (SPLIT_MIN_ROWS / 16 = 256 rows per block at least). */
export const SPLIT_BLOCKS_PER_LANE = 8;

interface Share {
  rows: Float32Array;
  n: number;
  /** Where each of these rows' results go in the caller's targets. */
  order: Int32Array;
}

/** Rows cut into 2 x SPLIT_BLOCKS_PER_LANE blocks, even blocks for the worker, odd ones inline. */
export function interleave(
  rows: Float32Array,
  n: number,
  features: number,
  order?: Int32Array,
): { worker: Share; inline: Share } {
  const block = Math.ceil(n / (2 * SPLIT_BLOCKS_PER_LANE));
  let workerRows = 0;
  for (let start = 0; start < n; start += 2 * block) workerRows += Math.min(block, n - start);
  const worker = { rows: new Float32Array(workerRows * features), n: workerRows, order: new Int32Array(workerRows) };
  const inline = {
    rows: new Float32Array((n - workerRows) * features),
    n: n - workerRows,
    order: new Int32Array(n - workerRows),
  };
  const filled = [0, 0];
  for (let start = 0, b = 0; start < n; start += block, b++) {
    const end = Math.min(n, start + block);
    const share = b % 2 === 0 ? worker : inline;
    const at = filled[b % 2]!;
    share.rows.set(rows.subarray(start * features, end * features), at * features);
    for (let r = start; r < end; r++) share.order[at + r - start] = order ? order[r]! : r;
    filled[b % 2] = at + end - start;
  }
  return { worker, inline };
}
