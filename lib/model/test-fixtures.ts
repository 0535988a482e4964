/**
 * Test-only helpers: small model packages built in temporary directories. A forest package made
 * by the training code, and a linear model written as a plain Gemm graph, which stands in for
 * "any regressor exported to ONNX" (single output, no band).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildModelPackage, writeModelPackage, type BuiltPackage } from '../training/build-package';
import { sampleProcessTable } from '../training/dataset';
import { floatTensor, floatValueInfo, model, node } from '../training/onnx-builders';
import { encodeModel } from '../training/onnx-proto';
import { PROCESS_FEATURES } from '../plant/process-model';
import type { TwinManifest } from './manifest';

export async function tempDir(prefix = 'twinops-model-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * A small forest package (fast to train) written to `dir`, with the trees' 5th-95th percentile
 * band of older packages (tests of that band; `band: 'conformal'` for a calibrated one).
 */
export async function writeSmallForestPackage(
  dir: string,
  trees = 12,
  rows = 1500,
  seed = 7,
  band: 'percentile' | 'conformal' = 'percentile',
): Promise<BuiltPackage> {
  const built = buildModelPackage(sampleProcessTable(rows, seed), {
    name: 'small-forest',
    version: '0.1.0',
    trainedAt: '2024-05-01',
    trees,
    depth: 8,
    minSamplesLeaf: 3,
    seed,
    source: 'process-model',
    band,
  });
  await writeModelPackage(dir, built);
  return built;
}

export const LINEAR_WEIGHTS = [0.05, -1.5, 0.02] as const;
export const LINEAR_BIAS = 60;

/** yield = w·x + b as ONNX Gemm, output "variable" [N, 1], like scikit-learn exports. */
export async function writeLinearPackage(dir: string, bias: number = LINEAR_BIAS): Promise<TwinManifest> {
  const graph = {
    name: 'linear',
    initializer: [floatTensor('W', [3, 1], LINEAR_WEIGHTS), floatTensor('B', [1], [bias])],
    input: [floatValueInfo('float_input', ['N', 3])],
    output: [floatValueInfo('variable', ['N', 1])],
    node: [node('Gemm', ['float_input', 'W', 'B'], ['variable'])],
  };
  const manifest: TwinManifest = {
    schemaVersion: 1,
    name: 'linear-yield',
    version: '2.0.0',
    trainedAt: '2024-06-01',
    description: 'A linear regression, exported as a Gemm graph.',
    target: { name: 'yield', label: 'Yield', unit: '%' },
    features: PROCESS_FEATURES.map(({ name, label, unit, min, max, step }) => ({ name, label, unit, min, max, step })),
    onnx: { file: 'linear.onnx', input: 'float_input', output: 'variable', members: 1 },
    interval: { method: 'none' },
    training: { source: 'hand-written test fixture' },
    alerts: { prediction: { low: 70, high: 95 } },
  };
  await writeFile(path.join(dir, 'linear.onnx'), encodeModel(model({ graph, opsets: { '': 17 } })));
  await writeFile(path.join(dir, 'twin.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Copies a package into a fresh temp dir and lets the test rewrite its twin.json. */
export async function mutatedCopy(
  sourceDir: string,
  edit?: (manifest: Record<string, unknown>) => void,
): Promise<string> {
  const dir = await tempDir('twinops-bad-');
  await cp(sourceDir, dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, 'twin.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    edit(json);
    await writeFile(file, JSON.stringify(json, null, 2));
  }
  return dir;
}
