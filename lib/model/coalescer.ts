/**
 * Dynamic batching of single predictions: rows that arrive in the same turn of the event loop
 * (e.g. the bodies of many concurrent `POST /api/v1/twin/predict` requests read in one poll) are
 * scored together in one model run, flushed by `setImmediate` once the turn's I/O callbacks have
 * run. Every onnxruntime run has a fixed cost of roughly the cost of one more row (bench:model:
 * ~20 µs/row one at a time, ~10 µs/row in batches of 100), so under concurrent load this halves
 * the model's share of a request; a lone request waits one loop turn (microseconds) longer.
 */
export interface CoalescedSlot<S> {
  scores: S;
  /** This row's index in the run. */
  index: number;
}

interface Waiter<S> {
  resolve: (slot: CoalescedSlot<S>) => void;
  reject: (err: unknown) => void;
}

export class RowCoalescer<S> {
  private rows: Float32Array;
  private waiting: Waiter<S>[] = [];
  private scheduled = false;

  constructor(
    private readonly features: number,
    /** Most rows per run; kept below the worker's offload size so coalesced runs stay inline. */
    private readonly maxRows: number,
    private readonly run: (rows: Float32Array, n: number) => Promise<S>,
  ) {
    this.rows = new Float32Array(features * maxRows);
  }

  /** Queues one row (`features` values, already validated) for the next run. */
  score(row: ArrayLike<number>): Promise<CoalescedSlot<S>> {
    if (this.waiting.length === this.maxRows) this.flush();
    this.rows.set(row, this.waiting.length * this.features);
    const slot = new Promise<CoalescedSlot<S>>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return slot;
  }

  private flush(): void {
    const waiting = this.waiting;
    const n = waiting.length;
    if (n === 0) return;
    // The run reads its rows after this returns: hand it its own copy and refill a fresh buffer.
    const rows = this.rows.slice(0, n * this.features);
    this.waiting = [];
    this.run(rows, n).then(
      (scores) => waiting.forEach((w, index) => w.resolve({ scores, index })),
      (err: unknown) => waiting.forEach((w) => w.reject(err)),
    );
  }
}
