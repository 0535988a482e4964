/**
 * Large batches run on a worker thread with its own session of the same model: same results as
 * on the calling thread, the calling thread free meanwhile, the worker gone after dispose and
 * replaced after a crash.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_FEATURES, createRandom } from '../plant/process-model';
import { InferenceWorker } from './inference-pool';
import { loadModelPackage, type TwinModel } from './index';
import { OFFLOAD_MIN_ROWS, SPLIT_MIN_ROWS, withLanes } from './lanes';
import type { SummaryTargets } from './member-summary.mjs';
import { bandOf, type RowRunner } from './onnx-session';

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

/** Uniformly random rows over the valid ranges (scattered: reordering moves them the most). */
function randomRows(n: number, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n * 3 }, (_, i) => {
    const f = PROCESS_FEATURES[i % 3]!;
    return f.min + r.next() * (f.max - f.min);
  });
}

/** Each row scored alone on the calling thread: no worker, no reordering, no split. */
async function rowByRow(input: Float32Array, n: number) {
  const out = { prediction: [] as number[], lower: [] as number[], upper: [] as number[] };
  for (let i = 0; i < n; i++) {
    const s = await inline.predictRows(input.subarray(i * 3, i * 3 + 3), 1);
    out.prediction.push(s.prediction[0]!);
    out.lower.push(s.lower![0]!);
    out.upper.push(s.upper![0]!);
  }
  return out;
}

function expectSame(
  got: { prediction: Float64Array; lower: Float64Array | null; upper: Float64Array | null },
  want: Awaited<ReturnType<typeof rowByRow>>,
) {
  expect(Array.from(got.prediction)).toEqual(want.prediction);
  expect(Array.from(got.lower!)).toEqual(want.lower);
  expect(Array.from(got.upper!)).toEqual(want.upper);
}

describe('inference on a worker thread', () => {
  it('gives a split, reordered run of 5,000 rows exactly the row-by-row results, in input order', async () => {
    const n = 5_000;
    const input = randomRows(n, 5);
    expectSame(await offloading.predictRows(input, n), await rowByRow(input, n));
  });

  it('gives two concurrent 1,000-row runs (one on the worker, one inline) the row-by-row results', async () => {
    const a = randomRows(1_000, 6);
    const b = randomRows(1_000, 7);
    const [ra, rb] = await Promise.all([offloading.predictRows(a, 1_000), offloading.predictRows(b, 1_000)]);
    expectSame(ra, await rowByRow(a, 1_000));
    expectSame(rb, await rowByRow(b, 1_000));
  });

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

  it('closes only after the runs already posted have finished (never terminates one mid-run)', async () => {
    const { onnx } = offloading.manifest;
    const model = {
      input: onnx.input,
      output: onnx.output,
      features: 3,
      members: onnx.members,
      band: bandOf(offloading.manifest),
    };
    // A 1 ms grace period: a close that did not wait for the runs would terminate the worker
    // inside onnxruntime, which aborts the whole process.
    const worker = new InferenceWorker(path.resolve(DIR, 'model.onnx'), model, 1);
    const n = 5_000;
    const input = randomRows(n, 9);
    const outs = [0, 1, 2].map((): SummaryTargets => ({
      prediction: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
    }));
    const runs = outs.map((out) => worker.score(input, n, out));
    await worker.close();
    await Promise.all(runs);
    const want = await rowByRow(input, n);
    for (const out of outs) expectSame(out, want);
    expect(worker.usable).toBe(false);
  });

  it('replaces a worker that died at the next large run', async () => {
    const { onnx } = offloading.manifest;
    const model = {
      input: onnx.input,
      output: onnx.output,
      features: 3,
      members: onnx.members,
      band: bandOf(offloading.manifest),
    };
    const started: InferenceWorker[] = [];
    const notInline: RowRunner = { score: () => Promise.reject(new Error('ran inline')), release: async () => {} };
    const lanes = withLanes(
      notInline,
      () => (started.push(new InferenceWorker(path.resolve(DIR, 'model.onnx'), model)), started.at(-1)!),
      3,
    );
    const n = OFFLOAD_MIN_ROWS;
    const input = randomRows(n, 8);
    const want = await rowByRow(input, n);
    const targets = (): SummaryTargets => ({
      prediction: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
    });

    const first = targets();
    await lanes.score(input, n, first);
    expectSame(first, want);
    // Killed between runs (not mid-run: terminating a thread inside onnxruntime's native run
    // aborts the whole process).
    await (started[0] as unknown as { worker: Worker }).worker.terminate();
    expect(started[0]!.usable).toBe(false);

    const again = targets();
    await lanes.score(input, n, again);
    expect(started).toHaveLength(2);
    expectSame(again, want);
    await lanes.release();
  });
});

describe('dispose in a process with nothing else to do', () => {
  it('finishes closing the worker before the process goes on (it used to exit in the middle)', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      const { loadModelPackage } = require('./lib/model/index.ts');
      (async () => {
        const m = await loadModelPackage('${DIR}');
        await m.predictRows(new Float32Array(${OFFLOAD_MIN_ROWS} * 3).fill(100), ${OFFLOAD_MIN_ROWS});
        await m.dispose();
        console.log('after dispose');
      })();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: path.resolve('.'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stdout).toContain('after dispose');
    expect(r.status).toBe(0);
  }, 40_000);
});
