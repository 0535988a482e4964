/**
 * The lane policy with stand-in runners: which thread gets which run, and which rows and result
 * slots each half of a split gets. (inference-pool.test.ts runs the real thing.)
 */
import { describe, expect, it } from 'vitest';
import { OFFLOAD_MIN_ROWS, SPLIT_MIN_ROWS, chooseLane, withLanes, type WorkerLane } from './lanes';
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
    inFlight: 0,
    score(rows: Float32Array, n: number, out: SummaryTargets, order?: Int32Array): Promise<void> {
      this.inFlight++;
      return new Promise<void>((resolve) => {
        calls.push({
          lane: name,
          firstValue: rows[0]!,
          n,
          order: order && Array.from(order),
          finish: () => {
            for (let r = 0; r < n; r++) out.prediction[order ? order[r]! : r] = marker + rows[r]!;
            this.inFlight--;
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
      get idle() {
        return worker.inFlight === 0;
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
  it('keeps small runs inline, sends larger ones to an idle worker, splits bulk runs', () => {
    expect(chooseLane(OFFLOAD_MIN_ROWS - 1, true)).toBe('inline');
    expect(chooseLane(OFFLOAD_MIN_ROWS, true)).toBe('worker');
    expect(chooseLane(OFFLOAD_MIN_ROWS, false)).toBe('inline');
    expect(chooseLane(SPLIT_MIN_ROWS - 1, false)).toBe('inline');
    expect(chooseLane(SPLIT_MIN_ROWS, true)).toBe('split');
    expect(chooseLane(SPLIT_MIN_ROWS, false)).toBe('split');
  });

  it('runs a large run inline while the worker is busy instead of queueing behind it', async () => {
    const { calls, runner, started } = fakeLanes();
    void runner.score(rows(10), 10, targets(10));
    expect(started()).toBe(0); // small runs never start the worker
    const n = OFFLOAD_MIN_ROWS;
    const a = runner.score(rows(n), n, targets(n));
    const b = runner.score(rows(n), n, targets(n));
    expect(calls.map((c) => c.lane)).toEqual(['inline', 'worker', 'inline']);
    calls[1]!.finish();
    await a;
    void runner.score(rows(n), n, targets(n));
    expect(calls[3]!.lane).toBe('worker'); // idle again
    calls[2]!.finish();
    await b;
    expect(started()).toBe(1);
  });

  it('splits a bulk run in halves, each writing its own rows back through the order', async () => {
    const { calls, runner } = fakeLanes();
    const n = SPLIT_MIN_ROWS + 1;
    const order = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    const out = targets(n);
    const done = runner.score(rows(n), n, out, order);
    expect(calls.map((c) => [c.lane, c.firstValue, c.n])).toEqual([
      ['worker', 0, n >> 1],
      ['inline', n >> 1, n - (n >> 1)],
    ]);
    calls.forEach((c) => c.finish());
    await done;
    // Position i ran row value i and lands at order[i] = n - 1 - i.
    expect(out.prediction[n - 1]).toBe(1_000_000);
    expect(out.prediction[0]).toBe(n - 1);

    const plain = targets(n);
    const unordered = runner.score(rows(n), n, plain);
    calls.slice(2).forEach((c) => c.finish());
    await unordered;
    expect(Array.from(plain.prediction.subarray((n >> 1) - 1, (n >> 1) + 1))).toEqual([1_000_000 + (n >> 1) - 1, n >> 1]);
  });
});
