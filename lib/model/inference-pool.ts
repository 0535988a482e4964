/**
 * Runs large batches on a worker thread (inference-worker.mjs) with its own session of the same
 * model. onnxruntime-node's `run` holds the calling thread for the whole inference: a 1,000-row
 * batch of the shipped forest is ~40 % of a batch request's time, during which the server could
 * not even parse the next request. The worker also summarizes the rows it ran (prediction and
 * band) and posts back only those, so none of a worker run's per-member work lands on the
 * calling thread. Which runs go where: lanes.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packedLength, packedTargets, type BandSpec, type SummaryTargets } from './member-summary.mjs';

/** Where the worker script is: the console always runs from the repository root. */
export const WORKER_FILE = path.resolve(process.env.TWINOPS_ROOT ?? process.cwd(), 'lib/model/inference-worker.mjs');
/** The summarizer the worker imports (beside it). */
const SUMMARY_FILE = path.join(path.dirname(WORKER_FILE), 'member-summary.mjs');

export interface WorkerModel {
  input: string;
  output: string;
  features: number;
  members: number;
  /** Percentiles of the band, null for none (the worker then posts back predictions only). */
  band: BandSpec | null;
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  n: number;
  out: SummaryTargets;
  order: Int32Array | undefined;
}

export class InferenceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | null = null;
  /** Called once nothing is pending any more (close() waits for that). */
  private drainWaiters: (() => void)[] = [];

  constructor(
    onnxPath: string,
    private readonly model: WorkerModel,
    /** How long close() lets the worker release its session and exit before terminating it. */
    private readonly closeGraceMs = 2_000,
  ) {
    this.worker = new Worker(WORKER_FILE, { workerData: { path: onnxPath, ...model } });
    // Never keeps the process alive by itself (shutdown releases it anyway).
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; summary?: Float64Array; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.drainWaiters.splice(0).forEach((wake) => wake());
      if (msg.error !== undefined) return p.reject(new Error(msg.error));
      const expected = packedLength(p.n, this.model.band !== null);
      if (!(msg.summary instanceof Float64Array) || msg.summary.length !== expected) {
        return p.reject(
          new Error(
            `inference worker should answer ${expected} summary values for ${p.n} rows, answered ${msg.summary?.length}`,
          ),
        );
      }
      place(msg.summary, p.n, p.out, p.order);
      p.resolve();
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.drainWaiters.splice(0).forEach((wake) => wake());
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`inference worker exited (${code})`)));
  }

  /** True while the worker can take runs (false after a crash or close: callers start another). */
  get usable(): boolean {
    return this.failed === null;
  }

  /** Rows posted to the worker and not answered yet. */
  get queuedRows(): number {
    let rows = 0;
    for (const p of this.pending.values()) rows += p.n;
    return rows;
  }

  /**
   * Runs `n` rows on the worker; row r's prediction and band land in `out` at
   * `order ? order[r] : r` when the promise resolves. The rows are copied (the caller keeps its
   * buffer).
   */
  score(rows: Float32Array, n: number, out: SummaryTargets, order?: Int32Array): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const copy = rows.slice(0, n * this.model.features);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, n, out, order });
      this.worker.postMessage({ id, rows: copy, n }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.failed) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Held while closing: an unref'd worker and timer would let a process with nothing else to do
    // exit in the middle of dispose(), before the caller's next step.
    this.worker.ref();
    // Runs already posted finish first: the grace period is for the close itself, since terminating
    // the worker in the middle of an onnxruntime run aborts the whole process.
    if (this.pending.size > 0) await new Promise<void>((wake) => this.drainWaiters.push(wake));
    if (this.failed) return;
    this.worker.postMessage({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, this.closeGraceMs)))]);
    clearTimeout(timer);
    if (!this.failed) await this.worker.terminate();
  }
}

/** Copies a worker's packed summaries (packedTargets) to `out`, row r at `order ? order[r] : r`. */
function place(block: Float64Array, n: number, out: SummaryTargets, order: Int32Array | undefined): void {
  const packed = packedTargets(block, n, out.lower !== null && out.upper !== null);
  for (let r = 0; r < n; r++) {
    const at = order ? order[r]! : r;
    out.prediction[at] = packed.prediction[r]!;
    if (packed.lower && packed.upper && out.lower && out.upper) {
      out.lower[at] = packed.lower[r]!;
      out.upper[at] = packed.upper[r]!;
    }
  }
}

/** The worker script and its summarizer exist (they may not in a bundle that copied only some files). */
export function workerAvailable(): boolean {
  return existsSync(WORKER_FILE) && existsSync(SUMMARY_FILE);
}
