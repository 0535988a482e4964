/**
 * Runs large batches on a worker thread (inference-worker.mjs) with its own session of the same
 * model. onnxruntime-node's `run` holds the calling thread for the whole inference: a 1,000-row
 * batch of the shipped forest is ~40 % of a batch request's time, during which the server could
 * not even parse the next request. Small runs (the live pipeline's few rows a tick, what-if
 * requests) stay on the calling thread, where a message round trip would cost more than the run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Rows from which a run goes to the worker. */
export const OFFLOAD_MIN_ROWS = 256;
/** Rows from which a run is split between the worker and the calling thread (bulk scoring). */
export const SPLIT_MIN_ROWS = 4_096;

/** Where the worker script is: the console always runs from the repository root. */
export const WORKER_FILE = path.resolve(process.env.TWINOPS_ROOT ?? process.cwd(), 'lib/model/inference-worker.mjs');

interface Pending {
  resolve: (data: Float32Array) => void;
  reject: (err: Error) => void;
  n: number;
}

export class InferenceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | null = null;

  constructor(
    onnxPath: string,
    private readonly io: { input: string; output: string; features: number; members: number },
  ) {
    this.worker = new Worker(WORKER_FILE, { workerData: { path: onnxPath, input: io.input, output: io.output, features: io.features } });
    // Never keeps the process alive by itself (shutdown releases it anyway).
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; data?: Float32Array; dims?: readonly number[]; type?: string; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) return p.reject(new Error(msg.error));
      const { members } = this.io;
      if (msg.type !== 'float32' || msg.dims?.length !== 2 || msg.dims[0] !== p.n || msg.dims[1] !== members) {
        return p.reject(new Error(`output "${this.io.output}" should be float32 [${p.n}, ${members}], got ${msg.type} [${msg.dims?.join(', ')}]`));
      }
      p.resolve(msg.data!);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`inference worker exited (${code})`)));
  }

  /** True while the worker can take runs (false after a crash or close: callers run inline). */
  get usable(): boolean {
    return this.failed === null;
  }

  /** Runs `n` rows on the worker. The rows are copied (the caller keeps its buffer). */
  run(rows: Float32Array, n: number): Promise<Float32Array> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const copy = rows.slice(0, n * this.io.features);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, n });
      this.worker.postMessage({ id, rows: copy, n }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.failed) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
    if (!this.failed) await this.worker.terminate();
  }
}

/** The worker script exists (it may not in a bundle that copied only some files). */
export function workerAvailable(): boolean {
  return existsSync(WORKER_FILE);
}
