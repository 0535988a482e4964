import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROCESS_FEATURES,
  PROCESS_OPTIMUM,
  createRandom,
  processYield,
  randomOperatingPoint,
} from '../plant/process-model';
import { listModelPackages, loadModelPackage, type TwinModel } from './index';
import {
  LINEAR_BIAS,
  LINEAR_WEIGHTS,
  mutatedCopy,
  removeDir,
  tempDir,
  writeLinearPackage,
  writeSmallForestPackage,
} from './test-fixtures';

const SHIPPED = path.resolve('models/reactor-yield/1.0.0');
const dirs: string[] = [];
async function newDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

describe('the shipped model package', () => {
  let model: TwinModel;
  beforeAll(async () => {
    model = await loadModelPackage(SHIPPED);
  });
  afterAll(() => model?.dispose());

  it('describes the plant signals and was trained as documented', () => {
    const m = model.manifest;
    expect([m.name, m.version]).toEqual(['reactor-yield', '1.0.0']);
    expect(m.features.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max }))).toEqual(
      PROCESS_FEATURES.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max })),
    );
    expect(m.target).toEqual({ name: 'yield', label: 'Yield', unit: '%' });
    expect(m.training).toMatchObject({ trees: 100, depth: 10, seed: 42, source: 'process-model' });
    expect(m.onnx.members).toBe(100);
    expect(m.interval).toEqual({ method: 'ensemble-percentile', lower: 5, upper: 95 });
    expect(m.alerts.prediction).toEqual({ low: 70, high: 95 });
    expect(m.metrics!.r2).toBeGreaterThanOrEqual(0.95);
  });

  it('is smaller than 5 MB', async () => {
    expect((await stat(path.join(SHIPPED, 'model.onnx'))).size).toBeLessThan(5 * 1024 * 1024);
  });

  it('predicts the plant: within 4 % at the optimum, R2 >= 0.95 against the true yield', async () => {
    const atOptimum = await model.predict(PROCESS_OPTIMUM);
    const truth = processYield(PROCESS_OPTIMUM);
    expect(Math.abs(atOptimum.prediction - truth) / truth).toBeLessThan(0.04);
    expect(atOptimum.lower!).toBeLessThanOrEqual(atOptimum.prediction);
    expect(atOptimum.upper!).toBeGreaterThanOrEqual(atOptimum.prediction);
    expect(atOptimum).toMatchObject({ modelName: 'reactor-yield', modelVersion: '1.0.0' });

    const r = createRandom(2024);
    const points = Array.from({ length: 500 }, () => randomOperatingPoint(r));
    const predictions = await model.predictBatch(points);
    const truths = points.map(processYield);
    const mean = truths.reduce((a, b) => a + b, 0) / truths.length;
    const ssRes = truths.reduce((a, t, i) => a + (t - predictions[i]!.prediction) ** 2, 0);
    const ssTot = truths.reduce((a, t) => a + (t - mean) ** 2, 0);
    expect(1 - ssRes / ssTot).toBeGreaterThanOrEqual(0.95);
  });

  it('scores pre-checked rows in one call, matching predictBatch', async () => {
    const inputs = [
      { temperature: 355, pressure: 6, flow: 100 },
      { temperature: 340, pressure: 5, flow: 85 },
    ];
    const rows = Float32Array.from(inputs.flatMap((i) => model.validate(i)));
    const scores = await model.predictRows(rows, 2);
    const batch = await model.predictBatch(inputs);
    expect(Array.from(scores.prediction)).toEqual(batch.map((b) => b.prediction));
    expect(Array.from(scores.lower!)).toEqual(batch.map((b) => b.lower));
    expect(scores.inferenceMs).toBeGreaterThan(0);
    expect((await model.predictRows(new Float32Array(0), 0)).prediction).toHaveLength(0);
    await expect(model.predictRows(rows, 3)).rejects.toThrow(RangeError);
  });

  it('scores the good items of a mixed batch in one run and reports each bad one', async () => {
    const results = await model.predictEach([
      PROCESS_OPTIMUM,
      { temperature: 1 },
      { temperature: 340, pressure: 5, flow: 85 },
    ]);
    expect(results.map((r) => [r.ok, r.index])).toEqual([
      [true, 0],
      [false, 1],
      [true, 2],
    ]);
    const [first, bad, third] = results;
    if (!first?.ok || !third?.ok || bad?.ok !== false) throw new Error('unexpected shape');
    expect(first.result.inferenceMs).toBe(third.result.inferenceMs); // one run
    expect(bad.errors.map((e) => [e.index, e.field, e.code])).toEqual([
      [1, 'temperature', 'out_of_range'],
      [1, 'pressure', 'missing'],
      [1, 'flow', 'missing'],
    ]);
  });
});

describe('a model made elsewhere (linear Gemm graph, one output)', () => {
  it('loads beside its twin.json and predicts with a null band', async () => {
    const dir = await newDir();
    await writeLinearPackage(dir);
    const model = await loadModelPackage(dir);
    expect(model.hasBand).toBe(false);
    const input = { temperature: 350, pressure: 4, flow: 120 };
    const p = await model.predict(input);
    const expected = LINEAR_WEIGHTS[0] * 350 + LINEAR_WEIGHTS[1] * 4 + LINEAR_WEIGHTS[2] * 120 + LINEAR_BIAS;
    expect(p.prediction).toBeCloseTo(expected, 4);
    expect(p).toMatchObject({ lower: null, upper: null, modelName: 'linear-yield', modelVersion: '2.0.0' });
    await model.dispose();
    await expect(model.predict(input)).rejects.toThrow('has been disposed');
  });
});

describe('bad packages', () => {
  let forestDir: string;
  beforeAll(async () => {
    forestDir = await newDir();
    await writeSmallForestPackage(forestDir, 6, 600);
  });

  async function problems(dir: string) {
    dirs.push(dir);
    const error = await loadModelPackage(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'ModelPackageError' });
    return (error as { problems: { file: string; field: string; message: string }[] }).problems;
  }

  it('reports a missing model.onnx', async () => {
    const dir = await mutatedCopy(forestDir);
    await removeDir(path.join(dir, 'model.onnx'));
    expect(await problems(dir)).toEqual([{ file: 'model.onnx', field: '', message: 'is missing' }]);
  });

  it('reports a missing twin.json (and a missing model.onnx with it)', async () => {
    const empty = await newDir();
    expect(await problems(empty)).toEqual([
      { file: 'twin.json', field: '', message: 'is missing' },
      { file: 'model.onnx', field: '', message: 'is missing' },
    ]);
  });

  it('reports bad JSON with its position', async () => {
    const dir = await mutatedCopy(forestDir);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'twin.json'), '{\n  "name": "x",\n  "version": \n}\n');
    const [p] = await problems(dir);
    expect(p).toMatchObject({ file: 'twin.json', field: '' });
    expect(p!.message).toMatch(/^is not valid JSON: .*line 4 column 1/);
  });

  it('names the field of a schema mismatch', async () => {
    const dir = await mutatedCopy(forestDir, (m) => {
      (m.features as { max: unknown }[])[1]!.max = 'ten';
      (m.interval as { upper: number }).upper = 150;
      delete m.trainedAt;
    });
    expect(await problems(dir)).toEqual([
      { file: 'twin.json', field: 'trainedAt', message: 'Invalid input: expected string, received undefined' },
      { file: 'twin.json', field: 'features[1].max', message: 'Invalid input: expected number, received string' },
      { file: 'twin.json', field: 'interval.upper', message: 'Too big: expected number to be <=100' },
    ]);
  });

  it('refuses an alias that is already a feature name', async () => {
    const dir = await mutatedCopy(forestDir, (m) => {
      (m.features as { aliases?: string[] }[])[1]!.aliases = ['flow'];
    });
    expect(await problems(dir)).toEqual([
      {
        file: 'twin.json',
        field: 'features[1].aliases[0]',
        message: 'alias "flow" is already a feature name or alias',
      },
    ]);
  });

  it('reports an input name the graph does not have', async () => {
    const dir = await mutatedCopy(forestDir, (m) => ((m.onnx as { input: string }).input = 'features'));
    expect(await problems(dir)).toEqual([
      { file: 'twin.json', field: 'onnx.input', message: 'model.onnx has no input "features" (its inputs: input)' },
    ]);
  });

  it('reports an output name the graph does not have', async () => {
    const dir = await mutatedCopy(forestDir, (m) => ((m.onnx as { output: string }).output = 'yield'));
    expect(await problems(dir)).toEqual([
      { file: 'twin.json', field: 'onnx.output', message: 'model.onnx has no output "yield" (its outputs: members)' },
    ]);
  });

  it('reports a feature count the graph does not take', async () => {
    const dir = await mutatedCopy(forestDir, (m) => (m.features as unknown[]).pop());
    expect(await problems(dir)).toEqual([
      {
        file: 'twin.json',
        field: 'features',
        message: 'lists 2 features but model.onnx input "input" takes 3 per row',
      },
    ]);
  });

  it('reports an output width that is not the member count', async () => {
    const dir = await mutatedCopy(forestDir, (m) => ((m.onnx as { members: number }).members = 50));
    expect(await problems(dir)).toEqual([
      { file: 'twin.json', field: 'onnx.members', message: 'is 50 but model.onnx output "members" has 6 columns' },
    ]);
  });

  it('reports a file onnxruntime cannot load', async () => {
    const dir = await mutatedCopy(forestDir);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'model.onnx'), 'not a model');
    const [p] = await problems(dir);
    expect(p).toMatchObject({ file: 'model.onnx', field: '' });
    expect(p!.message).toMatch(/^onnxruntime cannot load it: /);
  });
});

describe('a model that computes garbage', () => {
  it('is refused when its test run gives non-finite output', async () => {
    const dir = await newDir();
    await writeLinearPackage(dir, Number.NaN);
    const error = await loadModelPackage(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({
      problems: [
        {
          file: 'linear.onnx',
          field: '',
          message: 'test run at the middle of the valid ranges gave non-finite output [NaN]',
        },
      ],
    });
  });
});

describe('listModelPackages', () => {
  it('finds <name>/<version>/twin.json, newest version last', async () => {
    const root = await newDir();
    for (const v of ['1.10.0', '1.9.0', '2.0.0']) {
      await mkdir(path.join(root, 'reactor', v), { recursive: true });
      await writeLinearPackage(path.join(root, 'reactor', v));
    }
    await mkdir(path.join(root, 'reactor', 'no-manifest'), { recursive: true });
    await mkdir(path.join(root, 'alpha', '1'), { recursive: true });
    await writeLinearPackage(path.join(root, 'alpha', '1'));
    const refs = await listModelPackages(root);
    expect(refs.map((r) => `${r.name}@${r.version}`)).toEqual([
      'alpha@1',
      'reactor@1.9.0',
      'reactor@1.10.0',
      'reactor@2.0.0',
    ]);
    expect(refs[0]!.dir).toBe(path.join(root, 'alpha', '1'));
    expect(await listModelPackages(path.join(root, 'nowhere'))).toEqual([]);
  });

  it('lists the shipped package', async () => {
    const refs = await listModelPackages(path.resolve('models'));
    expect(refs).toContainEqual({ name: 'reactor-yield', version: '1.0.0', dir: SHIPPED });
  });
});

describe('large batches', () => {
  it('give the same results whether or not they are reordered internally', async () => {
    const model = await loadModelPackage(SHIPPED);
    const r = createRandom(77);
    const n = 3000;
    const rows = Float32Array.from({ length: n * 3 }, (_, i) => {
      const f = PROCESS_FEATURES[i % 3]!;
      return f.min + r.next() * (f.max - f.min);
    });
    const whole = await model.predictRows(rows, n);
    // Parts of 250 rows are too small to be reordered.
    for (let start = 0; start < n; start += 250) {
      const part = await model.predictRows(rows.slice(start * 3, (start + 250) * 3), 250);
      expect(Array.from(whole.prediction.subarray(start, start + 250))).toEqual(Array.from(part.prediction));
      expect(Array.from(whole.upper!.subarray(start, start + 250))).toEqual(Array.from(part.upper!));
    }
    await model.dispose();
  });
});
