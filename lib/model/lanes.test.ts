/**
 * The lane policy with stand-in runners: which thread gets which run, and which rows and result
 * slots each share of a split gets. (inference-pool.test.ts runs the real thing.)
 */
import { describe, expect, it } from 'vitest';
import {
  OFFLOAD_MIN_ROWS,
  SPLIT_BLOCKS_PER_LANE,
  SPLIT_MIN_ROWS,
  WORKER_QUEUE_ROWS,
  chooseLane,
  withLanes,
  type WorkerLane,
} from './lanes';
import type { SummaryTargets } from './member-summary.mjs';

interface Call {
  lane: 'inline' | 'worker';
  firstValue: number;
  n: number;
  order: number[] | undefined;
  finish: () => void;
}

/** A lane that records its runs, writes `lane-marker + row value` for each, and ends when told. */
function fakeLanes() {
  const calls: Call[] = [];
  let workersStarted = 0;
  const lane = (name: 'inline' | 'worker', marker: number) => ({
    queuedRows: 0,
    score(rows: Float32Array, n: number, out: SummaryTargets, order?: Int32Array): Promise<void> {
      this.queuedRows += n;
      return new Promise<void>((resolve) => {
        calls.push({
          lane: name,
          firstValue: rows[0]!,
          n,
          order: order && Array.from(order),
          finish: () => {
            for (let r = 0; r < n; r++) out.prediction[order ? order[r]! : r] = marker + rows[r]!;
            this.queuedRows -= n;
            resolve();
          },
        });
      });
    },
  });
  const inline = { ...lane('inline', 0), release: async () => {} };
  const worker = lane('worker', 1_000_000);
  const startWorker = (): WorkerLane => {
    workersStarted++;
    return {
      usable: true,
      get queuedRows() {
        return worker.queuedRows;
      },
      score: (rows, n, out, order) => worker.score(rows, n, out, order),
      close: async () => {},
    };
  };
  // One feature per row, whose value is the row's index: results show which row went where.
  return { calls, runner: withLanes(inline, startWorker, 1), started: () => workersStarted };
}

const rows = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const targets = (n: number): SummaryTargets => ({ prediction: new Float64Array(n), lower: null, upper: null });

describe('lanes', () => {
  it('keeps small runs inline, queues larger ones on the worker until its queue is full, splits bulk runs', () => {
    expect(chooseLane(OFFLOAD_MIN_ROWS - 1, 0)).toBe('inline');
    expect(chooseLane(OFFLOAD_MIN_ROWS, 0)).toBe('worker');
    expect(chooseLane(OFFLOAD_MIN_ROWS, WORKER_QUEUE_ROWS - 1)).toBe('worker');
    expect(chooseLane(OFFLOAD_MIN_ROWS, WORKER_QUEUE_ROWS)).toBe('inline');
    expect(chooseLane(SPLIT_MIN_ROWS - 1, WORKER_QUEUE_ROWS)).toBe('inline');
    expect(chooseLane(SPLIT_MIN_ROWS, 0)).toBe('split');
    expect(chooseLane(SPLIT_MIN_ROWS, WORKER_QUEUE_ROWS)).toBe('split');
  });

  it('runs a large run inline once the worker has a full queue, and queues there again when it drains', async () => {
    const { calls, runner, started } = fakeLanes();
    void runner.score(rows(10), 10, targets(10));
    expect(started()).toBe(0); // small runs never start the worker
    const n = 1_000;
    const queued = Array.from({ length: Math.ceil(WORKER_QUEUE_ROWS / n) }, () => runner.score(rows(n), n, targets(n)));
    const overflow = runner.score(rows(n), n, targets(n));
    expect(calls.map((c) => c.lane)).toEqual(['inline', ...queued.map(() => 'worker'), 'inline']);
    calls[1]!.finish();
    await queued[0];
    void runner.score(rows(n), n, targets(n));
    expect(calls.at(-1)!.lane).toBe('worker'); // room in the queue again
    calls.forEach((c, i) => i > 1 && c.finish());
    await Promise.all([...queued, overflow]);
    expect(started()).toBe(1);
  });

  it('splits a bulk run into alternating blocks, each lane writing its rows back through the order', async () => {
    const { calls, runner } = fakeLanes();
    const n = SPLIT_MIN_ROWS + 1;
    const block = Math.ceil(n / (2 * SPLIT_BLOCKS_PER_LANE));
    const workerRows = SPLIT_BLOCKS_PER_LANE * block;
    const order = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    const out = targets(n);
    const done = runner.score(rows(n), n, out, order);
    // The worker gets blocks 0, 2, 4...; this thread blocks 1, 3, 5... (the last one shorter).
    expect(calls.map((c) => [c.lane, c.firstValue, c.n])).toEqual([
      ['worker', 0, workerRows],
      ['inline', block, n - workerRows],
    ]);
    calls.forEach((c) => c.finish());
    await done;
    // Row value r ran on the lane of its block and lands at order[r] = n - 1 - r.
    const lane = (r: number) => (Math.floor(r / block) % 2 === 0 ? 1_000_000 : 0);
    const expected = Array.from({ length: n }, (_, i) => lane(n - 1 - i) + n - 1 - i);
    expect(Array.from(out.prediction)).toEqual(expected);

    const plain = targets(n);
    const unordered = runner.score(rows(n), n, plain);
    calls.slice(2).forEach((c) => c.finish());
    await unordered;
    expect(Array.from(plain.prediction)).toEqual(Array.from({ length: n }, (_, r) => lane(r) + r));
  });
});
