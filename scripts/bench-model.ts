/**
 * `npm run bench:model [-- --threads N] [--model DIR]`: latency and throughput of the shipped
 * model through lib/model's public API, with the targets alongside.
 *
 * - single: predict() on one reading, awaited one after another (validation + ONNX run + band);
 * - batch: predictBatch() (validation included) and predictRows() (pre-checked rows, the live
 *   pipeline's path) on batches of 1, 100 and 10,000 readings drawn uniformly over the valid box.
 *   Uniform random rows are the hard case for tree traversal (no two rows share a path), so
 *   these are conservative figures for realistic, clustered traffic.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage, type TwinModel } from '../lib/model';
import { MemberSummarizer } from '../lib/model/member-summary.mjs';
import { bandOf } from '../lib/model/onnx-session';
import { createRandom, randomOperatingPoint, type OperatingPoint } from '../lib/plant/process-model';
import { smokeOr } from './bench-mode';

const TARGET_P99_US = 100;
const TARGET_ROWS_PER_S = 500_000;
/** Calls timed (after as many warm-up calls / 5) and the shortest timed stretch per figure. */
const SINGLE_CALLS = smokeOr(1_000, 10_000);
const MIN_THROUGHPUT_MS = smokeOr(200, 1500);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { threads: { type: 'string' }, model: { type: 'string', default: 'models/reactor-yield/2.0.0' } },
  });
  const dir = path.resolve(values.model);
  const threads = values.threads ? Number(values.threads) : undefined;
  const model = await loadModelPackage(dir, threads ? { intraOpThreads: threads } : {});
  const m = model.manifest;
  const kernel = new MemberSummarizer(m.onnx.members, bandOf(m)).kernel;
  const bandBy =
    m.interval.method === 'conformal'
      ? `calibrated ${m.interval.coverage * 100} % interval (one pass per row)`
      : `band found by the ${kernel === 'simd' ? 'WebAssembly SIMD kernel' : 'JavaScript scan'}`;
  console.log(`model ${m.name} ${m.version}: ${m.onnx.members} members, ${m.features.length} features; ${bandBy}`);
  console.log(
    `node ${process.version}, ${os.availableParallelism()} cores, onnxruntime intra-op threads: ${threads ?? 'default'}`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine skews these figures)\n`,
  );

  const random = createRandom(1);
  const points: OperatingPoint[] = Array.from({ length: 10_000 }, () => randomOperatingPoint(random));

  await single(model, points);
  console.log('');
  for (const size of [1, 100, 10_000]) await batch(model, points.slice(0, size));
  await model.dispose();
  await ceiling(dir, points);
}

/**
 * What one core does with everything else out of the way: the same 10,000 rows through a session
 * that never offloads (onnxruntime run + band on this thread). Twice that is about what two cores
 * can do; the batch figures above are to be read against it (a split batch orders its rows once
 * for both lanes, so it can end slightly above: measured 541-546k against 503-515k).
 */
async function ceiling(dir: string, points: OperatingPoint[]): Promise<void> {
  const model = await loadModelPackage(dir, { offload: false });
  const rows = Float32Array.from(points.flatMap((p) => model.validate(p)));
  const perCore = await throughput(() => model.predictRows(rows, points.length), points.length);
  await model.dispose();
  console.log(
    `\nceiling: one thread alone (no offload), batch of ${fmt(points.length)}: ${fmt(perCore)} rows/s -> about ${fmt(2 * perCore)} rows/s on 2 cores`,
  );
}

async function single(model: TwinModel, points: OperatingPoint[]): Promise<void> {
  for (let i = 0; i < SINGLE_CALLS / 5; i++) await model.predict(points[i % points.length]);
  const samples = new Float64Array(SINGLE_CALLS);
  for (let i = 0; i < samples.length; i++) {
    const started = performance.now();
    await model.predict(points[i]);
    samples[i] = (performance.now() - started) * 1000;
  }
  samples.sort();
  const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  console.log(
    `single reading, predict() incl. validation and band, ${fmt(SINGLE_CALLS)} calls after ${fmt(SINGLE_CALLS / 5)} warm-up`,
  );
  console.log(
    `  p50 ${p(0.5).toFixed(1)} µs   p90 ${p(0.9).toFixed(1)} µs   p99 ${p(0.99).toFixed(1)} µs   max ${p(1).toFixed(1)} µs`,
  );
  console.log(`  target p99 <= ${TARGET_P99_US} µs: ${p(0.99) <= TARGET_P99_US ? 'met' : 'NOT met'}`);
}

async function batch(model: TwinModel, inputs: OperatingPoint[]): Promise<void> {
  const n = inputs.length;
  const rows = Float32Array.from(inputs.flatMap((i) => model.validate(i)));
  const viaBatch = await throughput(() => model.predictBatch(inputs), n);
  const viaRows = await throughput(() => model.predictRows(rows, n), n);
  const verdict = (r: number) => (r >= TARGET_ROWS_PER_S ? 'met' : 'NOT met');
  console.log(`batch of ${n.toLocaleString('en')}`);
  console.log(
    `  predictBatch ${fmt(viaBatch)} rows/s   predictRows ${fmt(viaRows)} rows/s   target >= ${fmt(TARGET_ROWS_PER_S)} rows/s: ${verdict(Math.max(viaBatch, viaRows))}`,
  );
}

/** Rows per second over at least ~1.5 s (smoke: 0.2 s) of back-to-back calls (after a short warm-up). */
async function throughput(call: () => Promise<unknown>, rowsPerCall: number): Promise<number> {
  for (let i = 0; i < 3; i++) await call();
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_THROUGHPUT_MS || calls < 5) {
    await call();
    calls++;
    elapsed = performance.now() - started;
  }
  return (calls * rowsPerCall) / (elapsed / 1000);
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en');
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
