/**
 * `npm run bench:cache`: is the prediction cache worth it? Scores repeated what-if inputs (a
 * slider moved back and forth: 50 distinct inputs) through the API's model view, with the cache
 * off and on, in this process (no HTTP, so the model's share of the work is as large as it gets).
 * For the end-to-end figure run `PREDICTION_CACHE_SIZE=0 npm run bench:api` against the default.
 */
import path from 'node:path';
import { loadModelPackage } from '../lib/model';
import { AbStats } from '../lib/serving/ab-stats';
import { ModelEntry } from '../lib/serving/model-entry';
import { createPredictionCache, servingModel } from '../lib/serving/model-serving';
import { smokeOr } from './bench-mode';

const CALLS = smokeOr(2_000, 20_000);
const WARM_UP = smokeOr(200, 2_000);
const ROUNDS = smokeOr(1, 2);

async function run(cacheSize: number, entry: ModelEntry) {
  const model = servingModel({
    state: () => ({ champion: entry, challenger: null }),
    problem: () => null,
    stats: new AbStats(),
    cache: createPredictionCache(cacheSize),
    onRun: () => {},
  });
  const inputs = Array.from({ length: 50 }, (_, i) => ({ temperature: 320 + i, pressure: 6, flow: 100 }));
  for (let i = 0; i < WARM_UP; i++) await model.predict(inputs[i % inputs.length]);
  const times = new Float64Array(CALLS);
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const s = performance.now();
    await model.predict(inputs[i % inputs.length]);
    times[i] = performance.now() - s;
  }
  const total = performance.now() - t0;
  times.sort();
  const q = (p: number) => times[Math.min(CALLS - 1, Math.ceil(p * CALLS) - 1)]!.toFixed(3);
  console.log(
    `cache ${cacheSize ? 'on ' : 'off'}  ${Math.round((CALLS / total) * 1000)
      .toLocaleString('en')
      .padStart(8)} predictions/s   p50 ${q(0.5)} ms   p99 ${q(0.99)} ms`,
  );
}

async function main() {
  const entry = new ModelEntry(await loadModelPackage(path.resolve('models/reactor-yield/1.0.0')), 'shipped');
  for (let round = 0; round < ROUNDS; round++) {
    await run(0, entry);
    await run(10_000, entry);
  }
  await entry.retire();
}

void main();
