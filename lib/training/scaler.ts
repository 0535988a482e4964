/**
 * Standardization (z = (x - mean) / std) exactly as the exported ONNX graph computes it:
 * float32 inputs, float32 mean/std initializers, a float32 Sub then a float32 Div. Using the
 * same arithmetic here is what makes the in-memory forest and onnxruntime take identical
 * branches.
 */
export interface Scaler {
  /** float32-representable values, as stored in the graph. */
  mean: Float64Array;
  std: Float64Array;
}

/** Fits mean and population std per feature of raw row-major data; a constant feature gets std 1. */
export function fitScaler(raw: Float64Array, rows: number, featureCount: number): Scaler {
  const mean = new Float64Array(featureCount);
  const std = new Float64Array(featureCount);
  for (let f = 0; f < featureCount; f++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += raw[r * featureCount + f]!;
    const m = sum / rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (raw[r * featureCount + f]! - m) ** 2;
    const s = Math.sqrt(ss / rows);
    mean[f] = Math.fround(m);
    std[f] = Math.fround(s > 0 ? s : 1);
  }
  return { mean, std };
}

/**
 * Standardizes raw rows into float32, as onnxruntime would: each step rounded to float32.
 * (Float64 arithmetic on float32 operands followed by one rounding gives the correctly rounded
 * float32 result for + - * /, so this is exact, not approximate.)
 */
export function standardize(raw: ArrayLike<number>, rows: number, scaler: Scaler): Float32Array {
  const featureCount = scaler.mean.length;
  const out = new Float32Array(rows * featureCount);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < featureCount; f++) {
      const i = r * featureCount + f;
      const centered = Math.fround(Math.fround(raw[i]!) - scaler.mean[f]!);
      out[i] = centered / scaler.std[f]!;
    }
  }
  return out;
}
