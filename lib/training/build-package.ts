/**
 * Builds a model package (twin.json + model.onnx) from a training table: holdout split,
 * standardization, random forest, ONNX export, metrics. Pure apart from `writeModelPackage`, so
 * tests can train in memory and compare the forest with what onnxruntime computes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { twinManifestSchema, type TwinManifest } from '../model/manifest';
import { holdoutSplit, takeRows, type TrainingTable } from './dataset';
import { forestToOnnx } from './forest-onnx';
import { regressionMetrics } from './metrics';
import { fitForest, predictForest, type Forest } from './random-forest';
import { fitScaler, standardize, type Scaler } from './scaler';

export interface BuildOptions {
  name: string;
  version: string;
  description?: string;
  /** YYYY-MM-DD; part of the package, so it is an input (reproducible builds). */
  trainedAt: string;
  trees: number;
  depth: number;
  minSamplesLeaf: number;
  seed: number;
  /** Where the rows came from, recorded in twin.json (e.g. "process-model", "csv:runs.csv"). */
  source: string;
  holdoutFraction?: number;
}

export interface BuiltPackage {
  manifest: TwinManifest;
  onnx: Uint8Array;
  forest: Forest;
  scaler: Scaler;
}

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'members';
export const DEFAULT_PREDICTION_LIMITS = { low: 70, high: 95 } as const;

export function buildModelPackage(table: TrainingTable, options: BuildOptions): BuiltPackage {
  const f = table.features.length;
  const split = holdoutSplit(table.rows, options.holdoutFraction ?? 0.2, options.seed);
  const trainX = takeRows(table.x, f, split.train);
  const trainY = Float64Array.from(split.train, (r) => table.y[r]!);
  const holdX = takeRows(table.x, f, split.holdout);
  const holdY = Float64Array.from(split.holdout, (r) => table.y[r]!);

  const scaler = fitScaler(trainX, split.train.length, f);
  const forest = fitForest(
    { x: standardize(trainX, split.train.length, scaler), y: trainY, rows: split.train.length, featureCount: f },
    { trees: options.trees, maxDepth: options.depth, minSamplesLeaf: options.minSamplesLeaf, seed: options.seed },
  );
  const predicted = predictForest(forest, standardize(holdX, split.holdout.length, scaler), split.holdout.length);
  const metrics = regressionMetrics(holdY, predicted);

  const raw = {
    schemaVersion: 1,
    name: options.name,
    version: options.version,
    trainedAt: options.trainedAt,
    description:
      options.description ??
      `Random forest (${options.trees} trees, depth ${options.depth}) predicting ${table.target.label.toLowerCase()} from ` +
        `${table.features.map((x) => x.label.toLowerCase()).join(', ')}; band = 5th-95th percentile over the trees.`,
    target: table.target,
    features: table.features.map((feature, i) => ({
      ...feature,
      training: {
        // The graph's own float32 constants, so twin.json tells exactly what the model does.
        mean: scaler.mean[i]!,
        std: scaler.std[i]!,
        ...observedRange(trainX, f, i, split.train.length),
      },
    })),
    onnx: { file: 'model.onnx', input: ONNX_INPUT, output: ONNX_OUTPUT, members: options.trees },
    interval: { method: 'ensemble-percentile', lower: 5, upper: 95 },
    metrics: {
      r2: round(metrics.r2, 5),
      mae: round(metrics.mae, 4),
      rmse: round(metrics.rmse, 4),
      holdoutRows: split.holdout.length,
      trainRows: split.train.length,
    },
    training: {
      source: options.source,
      rows: table.rows,
      trees: options.trees,
      depth: options.depth,
      minSamplesLeaf: options.minSamplesLeaf,
      seed: options.seed,
    },
    alerts: { prediction: { ...DEFAULT_PREDICTION_LIMITS } },
  };
  // Never write a package the runtime would refuse.
  const manifest = twinManifestSchema.parse(raw);
  const onnx = forestToOnnx(
    forest,
    scaler,
    { input: ONNX_INPUT, output: ONNX_OUTPUT },
    `${options.name} ${options.version}`,
  );
  return { manifest, onnx, forest, scaler };
}

/** Writes twin.json and the ONNX file into `dir` (created if needed). */
export async function writeModelPackage(dir: string, built: Pick<BuiltPackage, 'manifest' | 'onnx'>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, built.manifest.onnx.file), built.onnx);
  await writeFile(path.join(dir, 'twin.json'), `${JSON.stringify(built.manifest, null, 2)}\n`);
}

function observedRange(x: Float64Array, width: number, column: number, rows: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    const v = x[r * width + column]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min: round(min, 4), max: round(max, 4) };
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
