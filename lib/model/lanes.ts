/**
 * Which thread runs a batch. The console runs on 2 cores, and onnxruntime-node's `run` holds
 * the thread that calls it for the whole inference, so there are two lanes: the calling thread
 * ("inline") and one worker thread (inference-pool.ts), each with its own session of the model
 * and each summarizing the rows it ran.
 *
 * - Small runs (< OFFLOAD_MIN_ROWS: the pipeline's rows per tick, what-if requests) stay inline:
 *   a message round trip would cost more than the run.
 * - A larger run goes to the worker when the worker has nothing in flight, so the calling thread
 *   stays free to parse and answer other requests meanwhile.
 * - When the worker is already busy, the run goes inline instead of queueing behind it: waiting
 *   would leave one of the two cores idle, while running here keeps both busy (two concurrent
 *   batch requests finish in about the time of one). The calling thread is held meanwhile, which
 *   is the price of using the second core at all.
 * - Bulk runs (>= SPLIT_MIN_ROWS, beyond what one API request may send by default) are split,
 *   half on the worker and half inline, whatever the worker is doing.
 *
 * A worker that failed (crash, exit) is replaced at the next run that would use it.
 */
import type { SummaryTargets } from './member-summary.mjs';
import type { RowRunner } from './onnx-session';

/** Rows from which a run goes to the worker (when it is idle). */
export const OFFLOAD_MIN_ROWS = 256;
/** Rows from which a run is split between the worker and the calling thread (bulk scoring). */
export const SPLIT_MIN_ROWS = 4_096;

export type Lane = 'inline' | 'worker' | 'split';

export function chooseLane(n: number, workerIdle: boolean): Lane {
  if (n < OFFLOAD_MIN_ROWS) return 'inline';
  if (n >= SPLIT_MIN_ROWS) return 'split';
  return workerIdle ? 'worker' : 'inline';
}

/** What the lanes need of a worker (InferenceWorker; tests may pass their own). */
export interface WorkerLane {
  readonly usable: boolean;
  readonly idle: boolean;
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
      const lane = chooseLane(n, n >= OFFLOAD_MIN_ROWS && liveWorker().idle);
      if (lane === 'inline') return inline.score(rows, n, out, order);
      if (lane === 'worker') return liveWorker().score(rows, n, out, order);
      const half = n >> 1;
      // The worker's half is posted first, so it computes while this thread runs the other half.
      const first = liveWorker().score(rows.subarray(0, half * features), half, out, order?.subarray(0, half));
      const second = order
        ? inline.score(rows.subarray(half * features, n * features), n - half, out, order.subarray(half))
        : inline.score(rows.subarray(half * features, n * features), n - half, from(out, half));
      await Promise.all([first, second]);
    },
    async release() {
      await worker?.close();
      worker = null;
      await inline.release();
    },
  };
}

/** The targets from row `start` on (for a half run without a reordering permutation). */
function from(out: SummaryTargets, start: number): SummaryTargets {
  return {
    prediction: out.prediction.subarray(start),
    lower: out.lower?.subarray(start) ?? null,
    upper: out.upper?.subarray(start) ?? null,
  };
}
