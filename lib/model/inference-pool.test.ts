/**
 * Large batches run on a worker thread with its own session of the same model: same results as
 * on the calling thread, the calling thread free meanwhile, the worker gone after dispose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage, type TwinModel } from './index';
import { OFFLOAD_MIN_ROWS, SPLIT_MIN_ROWS } from './inference-pool';

const DIR = 'models/reactor-yield/1.0.0';
let offloading: TwinModel;
let inline: TwinModel;

beforeAll(async () => {
  offloading = await loadModelPackage(DIR);
  inline = await loadModelPackage(DIR, { offload: false });
});
afterAll(async () => {
  await offloading?.dispose();
  await inline?.dispose();
});

function rows(n: number): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) out.set([300 + ((i * 37) % 100), 1 + ((i * 13) % 90) / 10, 50 + ((i * 7) % 100)], i * 3);
  return out;
}

describe('inference on a worker thread', () => {
  it('gives exactly the calling thread’s results for a large batch, and for a small one', async () => {
    for (const n of [SPLIT_MIN_ROWS * 2 + 1, OFFLOAD_MIN_ROWS * 8, 3]) {
      const input = rows(n);
      const [a, b] = await Promise.all([offloading.predictRows(input, n), inline.predictRows(input, n)]);
      expect(Array.from(a.prediction)).toEqual(Array.from(b.prediction));
      expect(Array.from(a.lower!)).toEqual(Array.from(b.lower!));
      expect(Array.from(a.upper!)).toEqual(Array.from(b.upper!));
    }
  });

  it('keeps the calling thread free while a large batch runs', async () => {
    const n = SPLIT_MIN_ROWS - 1;
    const input = rows(n);
    await offloading.predictRows(input, n); // worker started and warm
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await offloading.predictRows(input, n);
    clearInterval(timer);
    // Tens of milliseconds of inference: timers fired meanwhile. On the calling thread none could.
    expect(ticks).toBeGreaterThan(2);
  });

  it('answers concurrent large batches each with its own rows', async () => {
    const a = rows(OFFLOAD_MIN_ROWS * 2);
    const b = rows(OFFLOAD_MIN_ROWS * 3).reverse();
    const [ra, rb, ea, eb] = await Promise.all([
      offloading.predictRows(a, OFFLOAD_MIN_ROWS * 2),
      offloading.predictRows(b, OFFLOAD_MIN_ROWS * 3),
      inline.predictRows(a, OFFLOAD_MIN_ROWS * 2),
      inline.predictRows(b, OFFLOAD_MIN_ROWS * 3),
    ]);
    expect(Array.from(ra.prediction)).toEqual(Array.from(ea.prediction));
    expect(Array.from(rb.prediction)).toEqual(Array.from(eb.prediction));
  });

  it('stops its worker on dispose, and a disposed model refuses work', async () => {
    const model = await loadModelPackage(DIR);
    await model.predictRows(rows(OFFLOAD_MIN_ROWS), OFFLOAD_MIN_ROWS);
    await model.dispose();
    await expect(model.predictRows(rows(OFFLOAD_MIN_ROWS), OFFLOAD_MIN_ROWS)).rejects.toThrow(/disposed/);
  });
});
