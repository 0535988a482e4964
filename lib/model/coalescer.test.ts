/**
 * Single rows queued in one loop turn go to the model together; each caller gets its own row's
 * slot; a full run flushes at once; a failed run fails every caller in it.
 */
import { describe, expect, it } from 'vitest';
import { RowCoalescer } from './coalescer';
import { loadModelPackage } from './index';

/** A run that records its rows and answers each row's first value doubled. */
function recorder() {
  const runs: number[][] = [];
  const run = async (rows: Float32Array, n: number) => {
    runs.push(Array.from(rows.subarray(0, n * 2)));
    return Array.from({ length: n }, (_, i) => rows[i * 2]! * 2);
  };
  return { runs, run };
}

describe('RowCoalescer', () => {
  it('scores rows queued in the same turn in one run, each caller reading its own slot', async () => {
    const { runs, run } = recorder();
    const c = new RowCoalescer(2, 100, run);
    const slots = await Promise.all([1, 2, 3].map((v) => c.score([v, v + 0.5])));
    expect(runs).toEqual([[1, 1.5, 2, 2.5, 3, 3.5]]);
    expect(slots.map((s) => s.scores[s.index])).toEqual([2, 4, 6]);
  });

  it('runs one after another when callers wait for each other', async () => {
    const { runs, run } = recorder();
    const c = new RowCoalescer(2, 100, run);
    await c.score([1, 0]);
    await c.score([2, 0]);
    expect(runs).toHaveLength(2);
  });

  it('starts a run as soon as one is full', async () => {
    const { runs, run } = recorder();
    const c = new RowCoalescer(2, 2, run);
    const slots = await Promise.all([1, 2, 3, 4, 5].map((v) => c.score([v, 0])));
    expect(runs.map((r) => r.length / 2)).toEqual([2, 2, 1]);
    expect(slots.map((s) => s.scores[s.index])).toEqual([2, 4, 6, 8, 10]);
  });

  it('fails every caller of a failed run, and the next run still works', async () => {
    let fail = true;
    const c = new RowCoalescer(1, 10, async (_rows, n) => {
      if (fail) throw new Error('model crashed');
      return n;
    });
    const results = await Promise.allSettled([c.score([1]), c.score([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(c.score([3])).resolves.toMatchObject({ scores: 1, index: 0 });
  });
});

describe('predict({ coalesce: true }) under concurrency', () => {
  it('gives each concurrent caller the same answer as a lone call, from one shared run', async () => {
    const model = await loadModelPackage('models/reactor-yield/1.0.0', { offload: false });
    try {
      const readings = Array.from({ length: 40 }, (_, i) => ({
        temperature: 300 + i * 2.5,
        pressure: 1 + (i % 9),
        flow: 50 + i * 2,
      }));
      const alone = [];
      for (const r of readings) alone.push(await model.predict(r));
      const together = await Promise.all(readings.map((r) => model.predict(r, { coalesce: true })));
      expect(together.map((p) => [p.prediction, p.lower, p.upper])).toEqual(
        alone.map((p) => [p.prediction, p.lower, p.upper]),
      );
      // One run for all 40: they share its inference time.
      expect(new Set(together.map((p) => p.inferenceMs)).size).toBe(1);
      await expect(model.predict({ temperature: 1e9, pressure: 5, flow: 100 }, { coalesce: true })).rejects.toThrow(
        /temperature/,
      );
    } finally {
      await model.dispose();
    }
  });
});
