import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage } from '../model';
import { AbStats } from './ab-stats';
import { ModelEntry } from './model-entry';
import { createPredictionCache, servingModel, type ServingState } from './model-serving';
import { writePackage } from '../../tests/model-packages';

const SHIPPED = path.resolve('models/reactor-yield/1.0.0');
const input = { temperature: 360, pressure: 6, flow: 100 };
let a: ModelEntry;
let b: ModelEntry;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'twinops-serving-'));

beforeAll(async () => {
  a = new ModelEntry(await loadModelPackage(SHIPPED), 'shipped');
  // The same forest as version 1.1.0.
  b = new ModelEntry(await loadModelPackage(writePackage(tmp, '1.1.0')), 'uploaded');
});
afterAll(async () => {
  await a.retire();
  await b.retire();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the API’s model view', () => {
  it('answers a repeated input from the cache, per version, and validates before looking up', async () => {
    let state: ServingState = { champion: a, challenger: null };
    let runs = 0;
    const model = servingModel({
      state: () => state,
      problem: () => null,
      stats: new AbStats(),
      cache: createPredictionCache(100),
      onRun: () => runs++,
    });
    const first = await model.predict(input);
    const second = await model.predict({ ...input });
    expect(runs).toBe(1);
    expect(second.prediction).toBe(first.prediction);
    await model.predict({ ...input, flow: 101 });
    expect(runs).toBe(2);
    // Another serving entry (an activation) never gets the old entry's answers.
    state = { champion: b, challenger: null };
    await model.predict(input);
    expect(runs).toBe(3);
    await expect(model.predict({ ...input, temperature: 999 })).rejects.toMatchObject({ name: 'InputValidationError' });
  });

  it('routes whole requests to the challenger at its share and records both versions', async () => {
    const stats = new AbStats();
    let i = 0;
    // Deterministic: every fourth call draws below the 0.25 share.
    const model = servingModel({
      state: () => ({ champion: a, challenger: { entry: b, share: 0.25 } }),
      problem: () => null,
      stats,
      cache: null,
      onRun: () => {},
      random: () => (i++ % 4 === 0 ? 0.1 : 0.9),
    });
    for (let k = 0; k < 8; k++) await model.predictEach([input, input]);
    const [ca, cb] = stats.summary(['1.0.0', '1.1.0']).versions;
    expect(i).toBe(8);
    expect(ca!.count).toBe(12);
    expect(cb!.count).toBe(4);
    expect(cb!.meanPrediction).toBeCloseTo(ca!.meanPrediction!, 6);
  });

  it('records an A/B latency per model call: a batch of 20 rows is one call, not 20 calls at its time', async () => {
    const stats = new AbStats();
    const model = servingModel({
      state: () => ({ champion: a, challenger: null }),
      problem: () => null,
      stats,
      cache: null,
      onRun: () => {},
    });
    const calls: number[] = [];
    const batch = await model.predictBatch(Array.from({ length: 20 }, (_, k) => ({ ...input, flow: 90 + k })));
    calls.push(batch[0]!.inferenceMs);
    for (let k = 0; k < 3; k++) calls.push((await model.predict({ ...input, flow: 80 + k })).inferenceMs);
    const [v] = stats.summary(['1.0.0']).versions;
    expect(v!.count).toBe(23);
    const sorted = [...calls].sort((x, y) => x - y);
    // Nearest-rank quantiles over the 4 calls (with per-row recording, 20 of 23 samples were the batch's).
    expect(v!.latencyP50Ms).toBe(sorted[1]);
    expect(v!.latencyP99Ms).toBe(sorted[3]);
  });
});
