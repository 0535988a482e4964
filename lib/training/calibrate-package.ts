/**
 * Gives any loaded package (a forest, boosted trees, or a single-output ONNX regressor such as a
 * scikit-learn Gemm export) a split-conformal band from held-out rows it was not trained on:
 * the first half of the rows calibrates a constant half-width, the second half measures the
 * coverage. The result is the `interval` to write into its twin.json.
 */
import type { TwinManifest } from '../model/manifest';
import type { TwinModel } from '../model/twin-model';
import { calibrate, measuredCoverage } from './conformal';
import { DEFAULT_COVERAGE } from './build-package';

export async function conformalIntervalFor(
  model: TwinModel,
  x: Float64Array,
  y: Float64Array,
  coverage = DEFAULT_COVERAGE,
): Promise<TwinManifest['interval']> {
  const n = y.length;
  const cut = Math.floor(n / 2);
  if (cut < 1 || n - cut < 1) throw new Error('calibration needs at least 2 rows');
  const scores = await model.predictRows(Float32Array.from(x), n);
  const c = calibrate(y.subarray(0, cut), scores.prediction.subarray(0, cut), coverage);
  const test = scores.prediction.subarray(cut);
  const lower = test.map((p) => p - c.halfWidth);
  const upper = test.map((p) => p + c.halfWidth);
  return {
    method: 'conformal',
    coverage,
    scale: 'constant',
    halfWidth: c.halfWidth,
    floor: 0,
    calibrationRows: cut,
    measured: { coverage: measuredCoverage(y.subarray(cut), lower, upper), rows: n - cut },
  };
}
