import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage, type TwinModel } from '../model';
import { removeDir, tempDir, writeSmallForestPackage } from '../model/test-fixtures';
import { PROCESS_FEATURES, createRandom, measuredYield, randomOperatingPoint } from '../plant/process-model';
import type { BuiltPackage } from './build-package';
import { parseTrainArgs } from './cli-args';
import { decodeModel } from './onnx-proto';
import { predictMembers } from './random-forest';
import { standardize } from './scaler';
import { trainModelPackage } from './train';

const dirs: string[] = [];
async function newDir(): Promise<string> {
  const dir = await tempDir('twinops-train-');
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

/** numpy.percentile(values, p) with the default "linear" method. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const k = Math.floor(pos);
  return k + 1 < s.length ? s[k]! + (pos - k) * (s[k + 1]! - s[k]!) : s[k]!;
}

describe('exported forest vs in-memory forest', () => {
  let built: BuiltPackage;
  let model: TwinModel;

  beforeAll(async () => {
    const dir = await newDir();
    built = await writeSmallForestPackage(dir, 25, 3000, 11);
    model = await loadModelPackage(dir);
  });
  afterAll(() => model?.dispose());

  it('writes the ONNX graph described in twin.json: standardization, then one column per tree', () => {
    const onnx = decodeModel(built.onnx);
    expect(onnx.graph.node.map((n) => n.opType)).toEqual(['Sub', 'Div', 'TreeEnsemble']);
    expect(onnx.opsetImport).toEqual([{ version: 21 }, { domain: 'ai.onnx.ml', version: 5 }]);
    expect(onnx.graph.input[0]!.name).toBe(built.manifest.onnx.input);
    expect(onnx.graph.output[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'N' }, { dimValue: 25 }]);
    expect(built.manifest.onnx.members).toBe(25);
  });

  it('gives the same predictions and percentile band on 1,000 random rows (within 1e-4)', async () => {
    const r = createRandom(99);
    const n = 1000;
    const raw = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const p = randomOperatingPoint(r);
      PROCESS_FEATURES.forEach((f, j) => (raw[i * 3 + j] = p[f.name]));
    }
    const scores = await model.predictRows(Float32Array.from(raw), n);
    const z = standardize(raw, n, built.scaler);
    const members = new Float64Array(built.forest.trees.length);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      predictMembers(built.forest, z, i * 3, members);
      const list = Array.from(members);
      const mean = list.reduce((a, b) => a + b, 0) / list.length;
      worst = Math.max(
        worst,
        Math.abs(scores.prediction[i]! - mean),
        Math.abs(scores.lower![i]! - percentile(list, 5)),
        Math.abs(scores.upper![i]! - percentile(list, 95)),
      );
      expect(scores.lower![i]!).toBeLessThanOrEqual(scores.prediction[i]!);
      expect(scores.upper![i]!).toBeGreaterThanOrEqual(scores.prediction[i]!);
    }
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('model:train', () => {
  const args = (out: string, extra: string[] = []) =>
    parseTrainArgs(
      ['--out', out, '--trees', '10', '--depth', '6', '--rows', '1200', '--trained-at', '2025-01-02', ...extra],
      {},
    );

  it('is reproducible: one seed and one set of arguments give byte-identical packages', async () => {
    const [a, b, c] = [await newDir(), await newDir(), await newDir()];
    await trainModelPackage(args(path.join(a, 'm', '1.0.0')));
    await trainModelPackage(args(path.join(b, 'm', '1.0.0')));
    await trainModelPackage(args(path.join(c, 'm', '1.0.0'), ['--seed', '43']));
    for (const file of ['model.onnx', 'twin.json']) {
      const [x, y, z] = await Promise.all([a, b, c].map((d) => readFile(path.join(d, 'm', '1.0.0', file))));
      expect(x!.equals(y!), file).toBe(true);
      expect(x!.equals(z!), file).toBe(false);
    }
  });

  it('trains from a CSV and records its source', async () => {
    const dir = await newDir();
    const r = createRandom(5);
    const lines = ['temperature,pressure,flow,yield'];
    for (let i = 0; i < 400; i++) {
      const p = randomOperatingPoint(r);
      lines.push(
        `${p.temperature.toFixed(2)},${p.pressure.toFixed(3)},${p.flow.toFixed(2)},${measuredYield(p, r).toFixed(3)}`,
      );
    }
    const csv = path.join(dir, 'historian.csv');
    await writeFile(csv, `${lines.join('\n')}\n`);
    const out = path.join(dir, 'csv-model', '0.1.0');
    const { manifest } = await trainModelPackage(args(out, ['--data', csv]));
    expect(manifest.training).toMatchObject({ source: 'csv:historian.csv', rows: 400 });
    expect(manifest.metrics).toMatchObject({ trainRows: 320, holdoutRows: 80 });
    expect(manifest.metrics!.r2).toBeGreaterThan(0.8);
    expect(manifest.features.map((f) => f.name)).toEqual(['temperature', 'pressure', 'flow']);
    const model = await loadModelPackage(out);
    expect((await model.predict({ temperature: 350, pressure: 5, flow: 100 })).modelName).toBe('csv-model');
    await model.dispose();
  });

  it('runs as a CLI and reports a bad CSV by line and column', async () => {
    const dir = await newDir();
    const csv = path.join(dir, 'bad.csv');
    await writeFile(csv, 'temperature,pressure,flow,yield\n350,5,100,80\n351,five,100,80\n');
    const run = promisify(execFile);
    const tsx = path.resolve('node_modules/.bin/tsx');
    const failed = await run(tsx, ['lib/training/cli.ts', '--out', path.join(dir, 'x', '1'), '--data', csv]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(`${csv}:3 column "pressure": "five" is not a number`);

    const ok = await run(
      tsx,
      [
        'lib/training/cli.ts',
        '--out',
        path.join(dir, 'tiny', '1.0.0'),
        '--trees',
        '3',
        '--depth',
        '4',
        '--rows',
        '300',
      ],
      {
        env: { ...process.env, SOURCE_DATE_EPOCH: '86400' },
      },
    );
    expect(ok.stdout).toContain('holdout R2');
    const manifest = JSON.parse(await readFile(path.join(dir, 'tiny', '1.0.0', 'twin.json'), 'utf8')) as {
      name: string;
      trainedAt: string;
    };
    expect(manifest.name).toBe('tiny');
    expect(manifest.trainedAt).toBe('1970-01-02');
  });
});
