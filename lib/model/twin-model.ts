/**
 * A loaded model package: validation generated from twin.json, one ONNX session opened at load
 * and reused, predictions with their band. See index.ts for the public contract.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputValidationError, ModelPackageError, type InputIssue, type PackageProblem } from './errors';
import { RowCoalescer } from './coalescer';
import { createInputValidator } from './input-validator';
import { OFFLOAD_MIN_ROWS } from './lanes';
import type { TwinManifest } from './manifest';
import { bandOf, openSession, type RowRunner, type SessionOptions } from './onnx-session';
import { fileError, readManifest } from './read-manifest';
import { localityOrder, permuteRows } from './row-order';

export interface Prediction {
  prediction: number;
  /** Band bounds; null when the model has no band (single output, or interval "none"). */
  lower: number | null;
  upper: number | null;
  modelName: string;
  modelVersion: string;
  /** Time of the model run and band computation this prediction came from (shared by a batch), ms. */
  inferenceMs: number;
}

/** Scores of `n` rows, index-aligned with the rows. */
export interface RowScores {
  prediction: Float64Array;
  lower: Float64Array | null;
  upper: Float64Array | null;
  modelName: string;
  modelVersion: string;
  inferenceMs: number;
}

export type InputCheck = { ok: true; row: number[] } | { ok: false; errors: InputIssue[] };

export type ItemPrediction =
  { ok: true; index: number; result: Prediction } | { ok: false; index: number; errors: InputIssue[] };

export interface TwinModel {
  readonly manifest: TwinManifest;
  /** The package directory it was loaded from. */
  readonly dir: string;
  /** Whether predictions carry a band. */
  readonly hasBand: boolean;
  /** Throws InputValidationError listing every bad field; returns the row in input order. */
  validate(input: unknown): number[];
  /** Like validate, without throwing. */
  check(input: unknown): InputCheck;
  /**
   * With `coalesce`, waits for the end of the current event-loop turn and shares one model run
   * with the other coalesced predictions made in it (coalescer.ts): more predictions a second
   * under concurrent load (the HTTP predict route), ~15 µs more for a lone call.
   */
  predict(input: unknown, options?: { coalesce?: boolean }): Promise<Prediction>;
  /** All or nothing: any bad item throws one InputValidationError naming every bad item (issue.index). */
  predictBatch(inputs: readonly unknown[]): Promise<Prediction[]>;
  /** Per item: bad items get their errors, good ones are scored together in one run. */
  predictEach(inputs: readonly unknown[]): Promise<ItemPrediction[]>;
  /**
   * Scores rows that were already checked (row-major, features in input order, `n` rows):
   * the live pipeline's hot path. Values are not range-checked here. onnxruntime reads `rows`
   * after this returns its promise, so leave the array untouched until the promise settles.
   */
  predictRows(rows: Float32Array, n: number): Promise<RowScores>;
  /** Releases the ONNX session; the model cannot predict afterwards. */
  dispose(): Promise<void>;
}

export type LoadOptions = SessionOptions;

/**
 * Batches at least this large are run in feature-space order (see row-order.ts). Measured on the
 * shipped forest (uniformly random rows, one core, 2-3 runs on a shared 2-core machine), median
 * onnxruntime run unsorted vs ordering + sorted run: 256 rows 2.0-2.6 vs 1.9-2.5 ms (1.04x),
 * 384 rows 1.07x, 512 rows 3.9-5.1 vs 3.5-4.6 ms (1.09-1.12x), 1,000 rows 7.5-9.3 vs 6.3-7.9 ms
 * (1.18-1.20x); the ordering itself ~0.1-0.2 ms. Below 512 the net gain is a few percent, and
 * the ordering runs on the calling thread even when the run goes to the worker, so it starts at
 * 512, which includes the most common bulk call (a 1,000-row API batch).
 */
const REORDER_MIN_ROWS = 512;

/**
 * Loads and checks the package in `dir` (twin.json + its ONNX file). Throws ModelPackageError
 * listing every problem found, each with its file and field.
 */
export async function loadModelPackage(dir: string, options: LoadOptions = {}): Promise<TwinModel> {
  const { manifest, problems } = await readManifest(dir);
  const onnxFile = manifest?.onnx.file ?? 'model.onnx';
  // A package directory chosen at run time: nothing for the bundler to trace.
  const onnxPath = path.join(/*turbopackIgnore: true*/ dir, onnxFile);
  const onnxProblem = await fileProblem(onnxPath, onnxFile);
  if (onnxProblem) problems.push(onnxProblem);
  if (!manifest || problems.length > 0) throw new ModelPackageError(dir, problems);

  const { runner, problems: sessionProblems } = await openSession(onnxPath, manifest, options);
  if (!runner) throw new ModelPackageError(dir, sessionProblems);
  return new LoadedTwinModel(dir, manifest, runner);
}

async function fileProblem(filePath: string, file: string): Promise<PackageProblem | null> {
  try {
    const s = await stat(filePath);
    return s.isFile() ? null : { file, field: '', message: 'is not a file' };
  } catch (e) {
    return { file, field: '', message: fileError(e) };
  }
}

class LoadedTwinModel implements TwinModel {
  readonly hasBand: boolean;
  private readonly featureCount: number;
  private readonly validator;
  private disposed = false;
  private readonly coalescer: RowCoalescer<RowScores>;

  constructor(
    readonly dir: string,
    readonly manifest: TwinManifest,
    private readonly runner: RowRunner,
  ) {
    this.featureCount = manifest.features.length;
    this.validator = createInputValidator(manifest.features);
    this.hasBand = bandOf(manifest) !== null;
    // Coalesced predictions made in the same loop turn share one run (coalescer.ts), which stays
    // below the offload size so it runs on this thread.
    this.coalescer = new RowCoalescer(this.featureCount, OFFLOAD_MIN_ROWS - 1, (rows, n) => this.predictRows(rows, n));
  }

  validate(input: unknown): number[] {
    const result = this.check(input);
    if (!result.ok) throw new InputValidationError(result.errors);
    return result.row;
  }

  check(input: unknown): InputCheck {
    const row = new Array<number>(this.featureCount);
    const errors = this.validator.read(input, row, 0);
    return errors ? { ok: false, errors } : { ok: true, row };
  }

  async predict(input: unknown, options: { coalesce?: boolean } = {}): Promise<Prediction> {
    const row = new Float32Array(this.featureCount);
    const errors = this.validator.read(input, row, 0);
    if (errors) throw new InputValidationError(errors);
    if (!options.coalesce) return this.prediction(await this.predictRows(row, 1), 0);
    if (this.disposed) throw this.disposedError();
    const { scores, index } = await this.coalescer.score(row);
    return this.prediction(scores, index);
  }

  async predictBatch(inputs: readonly unknown[]): Promise<Prediction[]> {
    const rows = new Float32Array(inputs.length * this.featureCount);
    const issues: InputIssue[] = [];
    inputs.forEach((input, index) => {
      const errors = this.validator.read(input, rows, index * this.featureCount);
      if (errors) for (const e of errors) issues.push({ ...e, index });
    });
    if (issues.length > 0) throw new InputValidationError(issues);
    const scores = await this.predictRows(rows, inputs.length);
    return inputs.map((_, i) => this.prediction(scores, i));
  }

  async predictEach(inputs: readonly unknown[]): Promise<ItemPrediction[]> {
    const f = this.featureCount;
    const rows = new Float32Array(inputs.length * f);
    const results: (ItemPrediction | null)[] = [];
    const goodIndex: number[] = [];
    inputs.forEach((input, index) => {
      const errors = this.validator.read(input, rows, goodIndex.length * f);
      if (errors) {
        results.push({ ok: false, index, errors: errors.map((e) => ({ ...e, index })) });
      } else {
        results.push(null);
        goodIndex.push(index);
      }
    });
    if (goodIndex.length > 0) {
      const scores = await this.predictRows(rows, goodIndex.length);
      goodIndex.forEach((index, i) => (results[index] = { ok: true, index, result: this.prediction(scores, i) }));
    }
    return results as ItemPrediction[];
  }

  async predictRows(rows: Float32Array, n: number): Promise<RowScores> {
    if (this.disposed) throw this.disposedError();
    if (!Number.isInteger(n) || n < 0 || rows.length < n * this.featureCount) {
      throw new RangeError(
        `predictRows needs n >= 0 rows of ${this.featureCount} values; got n=${n} and ${rows.length} values`,
      );
    }
    const started = performance.now();
    const scores: RowScores = {
      prediction: new Float64Array(n),
      lower: this.hasBand ? new Float64Array(n) : null,
      upper: this.hasBand ? new Float64Array(n) : null,
      modelName: this.manifest.name,
      modelVersion: this.manifest.version,
      inferenceMs: 0,
    };
    if (n >= REORDER_MIN_ROWS) {
      const order = localityOrder(rows, n, this.manifest.features);
      await this.runner.score(permuteRows(rows, this.featureCount, order), n, scores, order);
    } else if (n > 0) {
      await this.runner.score(rows, n, scores);
    }
    scores.inferenceMs = performance.now() - started;
    return scores;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.runner.release();
  }

  private disposedError(): Error {
    return new Error(`model ${this.manifest.name} ${this.manifest.version} has been disposed`);
  }

  private prediction(scores: RowScores, i: number): Prediction {
    return {
      prediction: scores.prediction[i]!,
      lower: scores.lower ? scores.lower[i]! : null,
      upper: scores.upper ? scores.upper[i]! : null,
      modelName: scores.modelName,
      modelVersion: scores.modelVersion,
      inferenceMs: scores.inferenceMs,
    };
  }
}
