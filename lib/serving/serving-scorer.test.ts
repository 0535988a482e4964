import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage, type TwinModel } from '../model';
import { AbStats } from './ab-stats';
import { ModelEntry } from './model-entry';
import { servingModel, type ServingState } from './model-serving';
import { servingScorer } from './serving-scorer';
import { writePackage } from '../../tests/model-packages';

const SHIPPED = path.resolve('models/reactor-yield/1.0.0');
const input = { temperature: 360, pressure: 6, flow: 100 };
let a: ModelEntry;
let b: ModelEntry;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'twinops-scorer-'));

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

describe('shadow mode', () => {
  const rows = (n: number) => {
    const flat = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) flat.set([350 + i, 6, 100], i * 3);
    return flat;
  };

  it('serves every row from the champion while the challenger scores them all, unseen, with its MAE', async () => {
    const stats = new AbStats();
    const deps = {
      state: (): ServingState => ({ champion: a, challenger: { entry: b, share: 0, mode: 'shadow' } }),
      problem: () => null,
      stats,
      cache: null,
      onRun: () => {},
      // A split would send everything to the challenger with this draw; shadow sends nothing.
      random: () => 0,
    };
    const scorer = servingScorer(deps)!;
    const actuals = [80, undefined, 90, 85];
    const out = await scorer.scoreRows(rows(4), 4, { actuals });
    expect(out.results.map((r) => r.version)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    const direct = await a.model.predictRows(rows(4), 4);
    expect(out.results.map((r) => r.prediction)).toEqual(Array.from(direct.prediction));
    const [, shadow] = stats.summary(['1.0.0', '1.1.0']).versions;
    expect(shadow).toMatchObject({ version: '1.1.0', count: 4, withActual: 3 });
    // The same forest: its error against the measured values is the champion's own.
    const mae = [0, 2, 3].reduce((sum, i) => sum + Math.abs(direct.prediction[i]! - actuals[i]!), 0) / 3;
    expect(shadow!.mae).toBeCloseTo(mae, 4);
    // The API's view never routes to a shadow challenger.
    const model = servingModel(deps);
    for (let k = 0; k < 5; k++) expect((await model.predict({ ...input, flow: 100 + k })).modelVersion).toBe('1.0.0');
  });

  it('keeps serving when the shadow challenger fails', async () => {
    const failures: unknown[] = [];
    const brokenModel = Object.create(b.model) as TwinModel;
    Object.defineProperty(brokenModel, 'predictRows', { value: () => Promise.reject(new Error('session lost')) });
    const broken = Object.create(b) as ModelEntry;
    Object.defineProperty(broken, 'model', { value: brokenModel });
    const scorer = servingScorer({
      state: () => ({ champion: a, challenger: { entry: broken, share: 0, mode: 'shadow' } }),
      problem: () => null,
      stats: new AbStats(),
      cache: null,
      onRun: (_entry, err) => (err ? failures.push(err) : undefined),
    })!;
    const out = await scorer.scoreRows(rows(2), 2);
    expect(out.results).toHaveLength(2);
    expect(out.results.every((r) => r.version === '1.0.0' && Number.isFinite(r.prediction))).toBe(true);
    expect(failures).toHaveLength(1);
  });
});
