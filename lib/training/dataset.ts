/**
 * Training data: sampled from the process model, or read from a CSV; then split into features
 * and target and into training and holdout rows.
 */
import {
  PROCESS_FEATURES,
  PROCESS_TARGET,
  createRandom,
  measuredYield,
  randomOperatingPoint,
  type FeatureSpec,
  type OperatingPoint,
  type Random,
} from '../plant/process-model';
import type { NumericTable } from './csv';

/** Feature description as written to twin.json (without training statistics). */
export interface FeatureInfo {
  name: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  aliases?: string[];
}

export interface TrainingTable {
  features: FeatureInfo[];
  target: { name: string; label: string; unit: string };
  /** Raw feature values, row-major. */
  x: Float64Array;
  y: Float64Array;
  rows: number;
}

/**
 * Samples operating points uniformly over the valid box, with measured (noisy) yields: what a
 * plant historian would hold after a designed experiment.
 */
export function sampleProcessTable(rows: number, seed: number, design: 'uniform' | 'lhs' = 'uniform'): TrainingTable {
  const random = createRandom(seed);
  const f = PROCESS_FEATURES.length;
  const x = new Float64Array(rows * f);
  const y = new Float64Array(rows);
  const lhs = design === 'lhs' ? latinHypercube(rows, random) : null;
  for (let r = 0; r < rows; r++) {
    const point = lhs ? lhs[r]! : randomOperatingPoint(random);
    PROCESS_FEATURES.forEach((spec, i) => (x[r * f + i] = point[spec.name]));
    y[r] = measuredYield(point, random);
  }
  return { features: PROCESS_FEATURES.map(featureInfo), target: { ...PROCESS_TARGET }, x, y, rows };
}

/**
 * A Latin hypercube over the valid box: each feature's range cut into `rows` equal strata, one
 * point in each, the strata of different features paired by independent shuffles. Every
 * one-dimensional slice of the box is covered evenly, which uniform sampling only does on average.
 */
export function latinHypercube(rows: number, random: Random): OperatingPoint[] {
  const columns = PROCESS_FEATURES.map((spec) => {
    const strata = Array.from({ length: rows }, (_, i) => i);
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [strata[i], strata[j]] = [strata[j]!, strata[i]!];
    }
    return strata.map((k) => spec.min + ((k + random.next()) / rows) * (spec.max - spec.min));
  });
  return Array.from({ length: rows }, (_, r) => ({
    temperature: columns[0]![r]!,
    pressure: columns[1]![r]!,
    flow: columns[2]![r]!,
  }));
}

/**
 * Uses column `target` as the target and every other column, in header order, as a feature.
 * Known process signals keep their labels, units and valid ranges; other columns get their
 * name as label, no unit, and the observed range as valid range.
 */
export function tableFromCsv(table: NumericTable, target: string, file: string): TrainingTable {
  const targetIndex = table.columns.indexOf(target);
  if (targetIndex < 0) {
    throw new Error(`${file}:1: the header has no target column "${target}" (columns: ${table.columns.join(', ')})`);
  }
  const featureColumns = table.columns.map((name, i) => ({ name, i })).filter((c) => c.i !== targetIndex);
  if (featureColumns.length === 0) throw new Error(`${file}:1: no feature columns besides the target "${target}"`);
  for (const c of featureColumns) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name)) {
      throw new Error(`${file}:1: column "${c.name}" is not a usable feature name (letters, digits and _ only)`);
    }
  }
  if (table.rows < 10) throw new Error(`${file}: only ${table.rows} data rows; need at least 10`);
  const width = table.columns.length;
  const f = featureColumns.length;
  const x = new Float64Array(table.rows * f);
  const y = new Float64Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    featureColumns.forEach((c, i) => (x[r * f + i] = table.values[r * width + c.i]!));
    y[r] = table.values[r * width + targetIndex]!;
  }
  const features = featureColumns.map((c, i) => {
    const known = PROCESS_FEATURES.find((p) => p.name === c.name);
    if (known) return featureInfo(known);
    const { min, max } = columnRange(x, f, i, table.rows);
    const span = max > min ? max - min : 1;
    return { name: c.name, label: c.name, unit: '', min, max: max > min ? max : min + 1, step: niceStep(span / 100) };
  });
  const targetInfo = target === PROCESS_TARGET.name ? { ...PROCESS_TARGET } : { name: target, label: target, unit: '' };
  return { features, target: targetInfo, x, y, rows: table.rows };
}

function featureInfo(spec: FeatureSpec): FeatureInfo {
  return {
    name: spec.name,
    label: spec.label,
    unit: spec.unit,
    min: spec.min,
    max: spec.max,
    step: spec.step,
    ...(spec.aliases ? { aliases: [...spec.aliases] } : {}),
  };
}

function columnRange(x: Float64Array, width: number, column: number, rows: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    const v = x[r * width + column]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** 1, 2 or 5 times a power of ten, at most `raw`: slider steps people can read. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const nice = m >= 5 ? 5 : m >= 2 ? 2 : 1;
  return Number((nice * power).toPrecision(1));
}

export interface Split {
  train: number[];
  holdout: number[];
}

/** A seeded shuffle, then the last `fraction` of rows held out. */
export function holdoutSplit(rows: number, fraction: number, seed: number): Split {
  const order = Array.from({ length: rows }, (_, i) => i);
  const random = createRandom(seed ^ 0x2545f491);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const holdout = Math.max(1, Math.round(rows * fraction));
  return { train: order.slice(0, rows - holdout), holdout: order.slice(rows - holdout) };
}

/** Rows `indices` of a row-major matrix. */
export function takeRows(x: Float64Array, width: number, indices: number[]): Float64Array {
  const out = new Float64Array(indices.length * width);
  indices.forEach((r, i) => out.set(x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}
