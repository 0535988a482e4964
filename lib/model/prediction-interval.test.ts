/**
 * The calibrated band: the shipped model's 90 % prediction interval holds about 90 % of measured
 * yields (test split, fresh process-model rows, the live simulator), a single-output Gemm model
 * gets one from its holdout residuals, a forest's scaled band widens where its trees disagree,
 * and older packages keep their trees' percentile band, labelled as such.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assayedYield } from '../plant/ground-truth';
import {
  PROCESS_FEATURES,
  PROCESS_OPTIMUM,
  PROCESS_OPTIMUM_YIELD,
  createRandom,
  measuredYield,
  randomOperatingPoint,
} from '../plant/process-model';
import { DEFAULT_ASSETS, DEFAULT_SIGNALS, Simulator } from '../plant/simulator';
import { conformalIntervalFor } from '../training/calibrate-package';
import { sampleProcessTable } from '../training/dataset';
import { bandInfo } from './band-label';
import { loadModelPackage, type TwinModel } from './index';
import { removeDir, tempDir, writeLinearPackage, writeSmallForestPackage } from './test-fixtures';

const SHIPPED = path.resolve('models/reactor-yield/2.0.0');
const LEGACY = path.resolve('models/reactor-yield/1.0.0');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

function coverage(actual: number[], lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  return actual.filter((y, i) => y >= lower[i]! && y <= upper[i]!).length / actual.length;
}

function rowsOf(points: Record<string, number>[]): Float32Array {
  return Float32Array.from(points.flatMap((p) => PROCESS_FEATURES.map((f) => p[f.name]!)));
}

describe('the shipped model (reactor-yield 2.0.0)', () => {
  let model: TwinModel;
  beforeAll(async () => {
    model = await loadModelPackage(SHIPPED, { offload: false });
  });
  afterAll(() => model?.dispose());

  it('records a 90 % split-conformal interval whose coverage was measured on a separate test split', () => {
    const interval = model.manifest.interval;
    expect(interval).toMatchObject({ method: 'conformal', coverage: 0.9, scale: 'constant' });
    if (interval.method !== 'conformal') throw new Error('not conformal');
    expect(interval.measured!.rows).toBeGreaterThanOrEqual(5000);
    expect(interval.measured!.coverage).toBeGreaterThanOrEqual(0.88);
    expect(interval.measured!.coverage).toBeLessThanOrEqual(0.92);
    expect(bandInfo(interval)).toMatchObject({ label: '90 % prediction interval', calibrated: true });
  });

  it('covers 88-92 % of 10,000 fresh measured yields and is within the noise floor (RMSE <= 0.92)', async () => {
    const r = createRandom(2024);
    const points = Array.from({ length: 10_000 }, () => randomOperatingPoint(r));
    const measured = points.map((p) => measuredYield(p, r));
    const s = await model.predictRows(rowsOf(points as unknown as Record<string, number>[]), points.length);
    const c = coverage(measured, s.lower!, s.upper!);
    expect(c).toBeGreaterThanOrEqual(0.88);
    expect(c).toBeLessThanOrEqual(0.92);
    const rmse = Math.sqrt(measured.reduce((sum, y, i) => sum + (y - s.prediction[i]!) ** 2, 0) / measured.length);
    expect(rmse).toBeLessThanOrEqual(0.92);
  });

  it('predicts the true optimum (360 °C, 6 bar, 100 kg/h: 90 %) within 0.5 points, inside its band', async () => {
    const p = await model.predict(PROCESS_OPTIMUM);
    expect(Math.abs(p.prediction - PROCESS_OPTIMUM_YIELD)).toBeLessThanOrEqual(0.5);
    expect(p.lower!).toBeLessThan(PROCESS_OPTIMUM_YIELD);
    expect(p.upper!).toBeGreaterThan(PROCESS_OPTIMUM_YIELD);
  });

  it('covers 88-92 % of 10,000 simulator points (assayed yield as actual, fixed seed)', async () => {
    const sim = new Simulator({ assets: DEFAULT_ASSETS, signals: DEFAULT_SIGNALS, seed: 7, truth: assayedYield(7) });
    const points: Record<string, number>[] = [];
    const actual: number[] = [];
    for (let t = 0; points.length < 10_000; t++) {
      for (const reading of sim.step(0.5, t * 500)) {
        // Only readings inside the valid ranges are scored (the console flags the rest).
        if (PROCESS_FEATURES.some((f) => reading.values[f.name]! < f.min || reading.values[f.name]! > f.max)) continue;
        if (points.length < 10_000) {
          points.push(reading.values);
          actual.push(reading.actual!);
        }
      }
    }
    const s = await model.predictRows(rowsOf(points), points.length);
    const c = coverage(actual, s.lower!, s.upper!);
    expect(c).toBeGreaterThanOrEqual(0.88);
    expect(c).toBeLessThanOrEqual(0.92);
  });
});

describe('older packages', () => {
  it("keep the trees' percentile band, labelled as their spread and not as a prediction interval", async () => {
    const legacy = await loadModelPackage(LEGACY, { offload: false });
    expect(legacy.hasBand).toBe(true);
    expect(bandInfo(legacy.manifest.interval)).toEqual({
      label: 'spread of trees (5th–95th percentile, not a prediction interval)',
      calibrated: false,
      coverage: null,
      measuredCoverage: null,
    });
    await legacy.dispose();
  });
});

describe('a single-output Gemm model', () => {
  it('gets a conformal band from its holdout residuals: prediction ± the calibrated half-width', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    await writeLinearPackage(dir);
    const uncalibrated = await loadModelPackage(dir, { offload: false });
    expect(uncalibrated.hasBand).toBe(false);
    const table = sampleProcessTable(4000, 3);
    const interval = await conformalIntervalFor(uncalibrated, table.x, table.y);
    await uncalibrated.dispose();
    if (interval.method !== 'conformal') throw new Error('not conformal');
    // A linear fit of a curved surface: wide, but it still holds 90 % of unseen rows.
    expect(interval.measured!.coverage).toBeGreaterThan(0.86);
    expect(interval.measured!.coverage).toBeLessThan(0.94);

    const file = path.join(dir, 'twin.json');
    const twin = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...twin, interval }));
    const calibrated = await loadModelPackage(dir, { offload: false });
    const p = await calibrated.predict({ temperature: 350, pressure: 5, flow: 100 });
    expect(p.upper! - p.prediction).toBeCloseTo(interval.halfWidth, 6);
    expect(p.prediction - p.lower!).toBeCloseTo(interval.halfWidth, 6);
    expect(bandInfo(calibrated.manifest.interval)!.label).toBe('90 % prediction interval');

    const fresh = sampleProcessTable(4000, 99);
    const s = await calibrated.predictRows(Float32Array.from(fresh.x), fresh.rows);
    const c = coverage(Array.from(fresh.y), s.lower!, s.upper!);
    expect(c).toBeGreaterThan(0.86);
    expect(c).toBeLessThan(0.94);
    await calibrated.dispose();
  });
});

describe('a forest with a spread-scaled conformal band', () => {
  it('widens the band where the trees disagree, the same on both threads, and keeps its coverage', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const built = await writeSmallForestPackage(dir, 30, 4000, 5, 'conformal');
    expect(built.manifest.interval).toMatchObject({ method: 'conformal', scale: 'member-std', coverage: 0.9 });
    const inline = await loadModelPackage(dir, { offload: false });
    const offloaded = await loadModelPackage(dir);
    const r = createRandom(8);
    const points = Array.from({ length: 4000 }, () => randomOperatingPoint(r));
    const measured = points.map((p) => measuredYield(p, r));
    const rows = rowsOf(points as unknown as Record<string, number>[]);
    const a = await inline.predictRows(rows, points.length);
    const b = await offloaded.predictRows(rows, points.length);
    expect(Array.from(b.lower!)).toEqual(Array.from(a.lower!));
    const widths = Array.from(a.upper!, (u, i) => u - a.lower![i]!);
    expect(Math.max(...widths)).toBeGreaterThan(1.5 * Math.min(...widths));
    const c = coverage(measured, a.lower!, a.upper!);
    expect(c).toBeGreaterThan(0.86);
    expect(c).toBeLessThan(0.94);
    await Promise.all([inline.dispose(), offloaded.dispose()]);
  });
});
