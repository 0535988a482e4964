/**
 * model:import with real scikit-learn (Debian's python3-sklearn): a model directory written the
 * way the reference system's package_model_for_edge writes it becomes a package the registry
 * accepts, whose predictions equal sklearn's within 1e-4 on 1,000 rows.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage } from '../model';
import { storeUploadedPackage } from '../model/package-store';
import { removeDir, tempDir } from '../model/test-fixtures';
import { createRandom, randomOperatingPoint } from '../plant/process-model';
import { dumpSklearnDir, findPython } from './sklearn-import';

const run = promisify(execFile);

/** The reference's own packaging code (package_model_for_edge), fed a model of the plant. */
const BUILD = `
import json, pickle, sys, time
from pathlib import Path
import numpy as np
from sklearn.ensemble import RandomForestRegressor, GradientBoostingRegressor
from sklearn.preprocessing import StandardScaler
kind, out = sys.argv[1], Path(sys.argv[2])
rng = np.random.default_rng(3)
X = np.column_stack([rng.uniform(300, 400, 3000), rng.uniform(1, 10, 3000), rng.uniform(50, 150, 3000)])
u, v, w = (X[:, 0] - 360) / 40, (X[:, 1] - 6) / 4, (X[:, 2] - 100) / 50
y = 90 - 14*u*u - 2*u**3 - 9*v*v - 6*w*w - 4*u*v + 3*u*w + rng.normal(0, 0.8, len(X))
scaler = StandardScaler()
Xs = scaler.fit_transform(X)
if kind == 'forest':
    model = RandomForestRegressor(n_estimators=30, max_depth=8, random_state=42).fit(Xs, y)
else:
    model = GradientBoostingRegressor(n_estimators=80, max_depth=4, learning_rate=0.1, random_state=42).fit(Xs, y)
out.mkdir(parents=True, exist_ok=True)
pickle.dump(model, open(out / 'model.pkl', 'wb'))
pickle.dump(scaler, open(out / 'scaler.pkl', 'wb'))
json.dump({'model_type': type(model).__name__, 'features': ['temp', 'pressure', 'flow'], 'version': '1.0.0',
           'trained_date': '2025-03-04',
           'valid_ranges': {'temp': (300, 400), 'pressure': (1, 10), 'flow': (50, 150)}},
          open(out / 'config.json', 'w'), indent=2)
`;

let root: string;
let python: string;
const rows: number[][] = [];
beforeAll(async () => {
  root = await tempDir('twinops-import-');
  python = await findPython();
  const r = createRandom(77);
  for (let i = 0; i < 1000; i++) {
    const p = randomOperatingPoint(r);
    rows.push([p.temperature, p.pressure, p.flow]);
  }
  await writeFile(path.join(root, 'rows.json'), JSON.stringify(rows));
}, 60_000);
afterAll(() => removeDir(root));

async function importDir(kind: 'forest' | 'boosted') {
  const src = path.join(root, `edge_model_${kind}`);
  await run(python, ['-c', BUILD, kind, src]);
  const out = path.join(root, 'models', `reference-${kind}`, '1.0.0');
  const tsx = path.resolve('node_modules/.bin/tsx');
  const { stdout } = await run(tsx, ['lib/import/cli.ts', src, '--out', out]);
  expect(stdout).toContain(`wrote ${out}`);
  const sklearn = (await dumpSklearnDir(src, path.join(root, 'rows.json'))).predictions!;
  return { src, out, sklearn };
}

describe('npm run model:import', () => {
  it('imports a RandomForestRegressor + StandardScaler: one column per tree, same predictions as sklearn', async () => {
    const { out, sklearn } = await importDir('forest');
    const model = await loadModelPackage(out, { offload: false });
    const m = model.manifest;
    expect(m.onnx.members).toBe(30);
    expect(m.interval).toEqual({ method: 'ensemble-percentile', lower: 5, upper: 95 });
    // The reference's "temp" is the plant's temperature, still accepted under its old name.
    expect(m.features.map((f) => [f.name, f.unit, f.min, f.max])).toEqual([
      ['temperature', '°C', 300, 400],
      ['pressure', 'bar', 1, 10],
      ['flow', 'kg/h', 50, 150],
    ]);
    expect(m.features[0]!.aliases).toContain('temp');
    expect(m.trainedAt).toBe('2025-03-04');
    const scores = await model.predictRows(Float32Array.from(rows.flat()), rows.length);
    const worst = Math.max(...sklearn.map((y, i) => Math.abs(y - scores.prediction[i]!)));
    expect(worst).toBeLessThan(1e-4);
    const byAlias = await model.predict({ temp: rows[0]![0], pressure: rows[0]![1], flow: rows[0]![2] });
    expect(byAlias.prediction).toBeCloseTo(sklearn[0]!, 4);
    await model.dispose();

    // The registry's upload path accepts the package as it is.
    const stored = await storeUploadedPackage(
      path.join(root, 'uploaded'),
      { model: await readFile(path.join(out, 'model.onnx')), twin: await readFile(path.join(out, 'twin.json')) },
      async () => false,
    );
    expect(stored.ref).toMatchObject({ name: 'reference-forest', version: '1.0.0' });
    await stored.model.dispose();
  }, 120_000);

  it('imports a GradientBoostingRegressor as one summed output, same predictions as sklearn', async () => {
    const { out, sklearn } = await importDir('boosted');
    const model = await loadModelPackage(out, { offload: false });
    expect(model.manifest.onnx.members).toBe(1);
    expect(model.hasBand).toBe(false);
    const scores = await model.predictRows(Float32Array.from(rows.flat()), rows.length);
    const worst = Math.max(...sklearn.map((y, i) => Math.abs(y - scores.prediction[i]!)));
    expect(worst).toBeLessThan(1e-4);
    await model.dispose();
  }, 120_000);

  it('refuses a directory without model.pkl, naming the file', async () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const failed = await run(tsx, ['lib/import/cli.ts', root, '--out', path.join(root, 'x', '1')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/config\.json is missing|model\.pkl is missing/);
  });
});
