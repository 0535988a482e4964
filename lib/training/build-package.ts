/**
 * Builds a model package (twin.json + model.onnx) from a training table: holdout split,
 * standardization, random forest or boosted trees, ONNX export, metrics, calibrated band. Pure apart from `writeModelPackage`, so
 * tests can train in memory and compare the forest with what onnxruntime computes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { twinManifestSchema, type TwinManifest } from '../model/manifest';
import { holdoutSplit, takeRows, type TrainingTable } from './dataset';
import { forestToOnnx } from './forest-onnx';
import { regressionMetrics } from './metrics';
import { calibrate, halfWidthAt, measuredCoverage, type IntervalScale } from './conformal';
import { fitBoosted, predictBoosted } from './gradient-boosting';
import { fitForest, predictMembers, type Forest } from './random-forest';
import { fitScaler, standardize, type Scaler } from './scaler';

export type Regressor = 'forest' | 'boosted';

export interface BuildOptions {
  name: string;
  version: string;
  description?: string;
  /** YYYY-MM-DD; part of the package, so it is an input (reproducible builds). */
  trainedAt: string;
  /** "forest" (default): a random forest, one output per tree; "boosted": gradient-boosted trees, one output. */
  regressor?: Regressor;
  trees: number;
  depth: number;
  minSamplesLeaf: number;
  /** Boosting only (default 0.1). */
  learningRate?: number;
  seed: number;
  /** Where the rows came from, recorded in twin.json (e.g. "process-model", "csv:runs.csv"). */
  source: string;
  /** Rows held out of training (default 0.2): half calibrate the band, half measure it. */
  holdoutFraction?: number;
  /**
   * "conformal" (default): a calibrated prediction interval of `coverage`; "percentile": the
   * 5th-95th percentile of the trees (a forest's spread, the format of older packages).
   */
  band?: 'conformal' | 'percentile';
  /** Nominal coverage of the conformal band (default 0.9). */
  coverage?: number;
  /** Conformal band of a forest: scaled by the trees' spread (default) or constant. */
  scale?: IntervalScale;
}

export interface BuiltPackage {
  manifest: TwinManifest;
  onnx: Uint8Array;
  /** The trees (for "boosted", leaves hold their summed share; see gradient-boosting.ts). */
  forest: Forest;
  scaler: Scaler;
}

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'members';
export const DEFAULT_PREDICTION_LIMITS = { low: 70, high: 95 } as const;
export const DEFAULT_COVERAGE = 0.9;

export function buildModelPackage(table: TrainingTable, options: BuildOptions): BuiltPackage {
  const f = table.features.length;
  const regressor = options.regressor ?? 'forest';
  const split = holdoutSplit(table.rows, options.holdoutFraction ?? 0.2, options.seed);
  const trainX = takeRows(table.x, f, split.train);
  const trainY = Float64Array.from(split.train, (r) => table.y[r]!);
  const holdX = takeRows(table.x, f, split.holdout);
  const holdY = Float64Array.from(split.holdout, (r) => table.y[r]!);

  const scaler = fitScaler(trainX, split.train.length, f);
  const data = {
    x: standardize(trainX, split.train.length, scaler),
    y: trainY,
    rows: split.train.length,
    featureCount: f,
  };
  const forest =
    regressor === 'boosted'
      ? fitBoosted(data, {
          trees: options.trees,
          maxDepth: options.depth,
          minSamplesLeaf: options.minSamplesLeaf,
          learningRate: options.learningRate ?? 0.1,
          seed: options.seed,
        })
      : fitForest(data, {
          trees: options.trees,
          maxDepth: options.depth,
          minSamplesLeaf: options.minSamplesLeaf,
          seed: options.seed,
        });
  const holdZ = standardize(holdX, split.holdout.length, scaler);
  const { predicted, spread } = scoreHoldout(forest, regressor, holdZ, split.holdout.length);
  const metrics = regressionMetrics(holdY, predicted);
  const interval =
    (options.band ?? 'conformal') === 'percentile' && regressor === 'forest'
      ? ({ method: 'ensemble-percentile', lower: 5, upper: 95 } as const)
      : conformalInterval(
          holdY,
          predicted,
          regressor === 'forest' && (options.scale ?? 'member-std') === 'member-std' ? spread : undefined,
          options.coverage ?? DEFAULT_COVERAGE,
        );
  const what =
    regressor === 'boosted'
      ? `Gradient-boosted trees (${options.trees} trees, depth ${options.depth}, learning rate ${options.learningRate ?? 0.1})`
      : `Random forest (${options.trees} trees, depth ${options.depth})`;
  const bandText =
    interval.method === 'conformal'
      ? `band = ${Math.round(interval.coverage * 100)} % prediction interval (split-conformal${interval.scale === 'member-std' ? ", scaled by the trees' spread" : ''})`
      : 'band = 5th-95th percentile over the trees';

  const raw = {
    schemaVersion: 1,
    name: options.name,
    version: options.version,
    trainedAt: options.trainedAt,
    description:
      options.description ??
      `${what} predicting ${table.target.label.toLowerCase()} from ` +
        `${table.features.map((x) => x.label.toLowerCase()).join(', ')}; ${bandText}.`,
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
    onnx: {
      file: 'model.onnx',
      input: ONNX_INPUT,
      output: ONNX_OUTPUT,
      members: regressor === 'boosted' ? 1 : options.trees,
    },
    interval,
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
      ...(regressor === 'boosted' ? { regressor, learningRate: options.learningRate ?? 0.1 } : {}),
    },
    alerts: { prediction: { ...DEFAULT_PREDICTION_LIMITS } },
  };
  // Never write a package the runtime would refuse.
  const manifest = twinManifestSchema.parse(raw);
  const onnx = forestToOnnx(
    forest,
    scaler,
    { input: ONNX_INPUT, output: ONNX_OUTPUT, combine: regressor === 'boosted' ? 'sum' : 'members' },
    `${options.name} ${options.version}`,
  );
  return { manifest, onnx, forest, scaler };
}

/** Prediction (and for a forest the trees' standard deviation) of every holdout row. */
function scoreHoldout(
  forest: Forest,
  regressor: Regressor,
  z: Float32Array,
  rows: number,
): { predicted: Float64Array; spread: Float64Array } {
  if (regressor === 'boosted') return { predicted: predictBoosted(forest, z, rows), spread: new Float64Array(rows) };
  const predicted = new Float64Array(rows);
  const spread = new Float64Array(rows);
  const members = new Float64Array(forest.trees.length);
  for (let r = 0; r < rows; r++) {
    predictMembers(forest, z, r * forest.featureCount, members);
    let sum = 0;
    let squares = 0;
    for (const v of members) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / members.length;
    predicted[r] = mean;
    spread[r] = Math.sqrt(Math.max(0, squares / members.length - mean * mean));
  }
  return { predicted, spread };
}

/**
 * Calibrates on the first half of the holdout rows and measures the coverage on the second
 * (the holdout is already a seeded shuffle, so both halves are random).
 */
function conformalInterval(
  actual: Float64Array,
  predicted: Float64Array,
  spread: Float64Array | undefined,
  coverage: number,
) {
  const n = actual.length;
  const cut = Math.floor(n / 2);
  if (cut < 1 || n - cut < 1) throw new Error('a conformal band needs at least 2 holdout rows');
  const c = calibrate(actual.subarray(0, cut), predicted.subarray(0, cut), coverage, spread?.subarray(0, cut));
  const lower = new Float64Array(n - cut);
  const upper = new Float64Array(n - cut);
  for (let i = cut; i < n; i++) {
    const half = halfWidthAt(c, spread?.[i]);
    lower[i - cut] = predicted[i]! - half;
    upper[i - cut] = predicted[i]! + half;
  }
  return {
    method: 'conformal' as const,
    coverage,
    scale: c.scale,
    halfWidth: round(c.halfWidth, 6),
    floor: round(c.floor, 6),
    calibrationRows: cut,
    measured: { coverage: round(measuredCoverage(actual.subarray(cut), lower, upper), 4), rows: n - cut },
  };
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
