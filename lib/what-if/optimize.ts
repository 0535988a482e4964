/**
 * Recommended setpoints from batch predictions only (no new engine): the operating point that
 * maximizes the predicted target, or the one closest to the live values whose prediction reaches
 * a target, within each feature's valid range narrowed by optional operator bounds.
 *
 * Maximize: a grid over the box (one batch), then a finer grid around its best cell, to which a
 * quadratic response surface is fitted by least squares; its stationary point (if it is a
 * maximum inside that region) is taken, else the finer grid's best point. Tree models are piecewise constant: their top is
 * a plateau of small steps, and the grid's single best cell can sit anywhere on it; the fitted
 * surface finds the plateau's middle, which is where the smooth plant peaks.
 * Target: the feasible grid point with the least change from the live values (each feature's
 * change measured in its span), refined on a finer grid around it.
 */
export interface OptimizeFeature {
  name: string;
  min: number;
  max: number;
  step: number;
}

export interface Bound {
  min?: number;
  max?: number;
}

/** Scores row-major rows (features in order); returns predictions and band bounds. */
export type BatchScorer = (
  rows: Float32Array,
  n: number,
) => Promise<{ prediction: ArrayLike<number>; lower: ArrayLike<number> | null; upper: ArrayLike<number> | null }>;

export interface OptimizeRequest {
  features: OptimizeFeature[];
  bounds?: Record<string, Bound>;
  /** Live values (change is measured from them; required for "target"). */
  from?: Record<string, number>;
  goal: { kind: 'maximize' } | { kind: 'target'; target: number };
}

export interface OptimizeResult {
  values: Record<string, number>;
  prediction: number;
  lower: number | null;
  upper: number | null;
  /** values - from, per feature (when `from` is given). */
  change: Record<string, number> | null;
  /** False when no point in the box reaches the target (the best point is returned instead). */
  feasible: boolean;
  /** Model rows scored. */
  evaluated: number;
}

const COARSE = 21;
const FINE = 11;
const SURFACE = 15;

export async function optimize(req: OptimizeRequest, score: BatchScorer): Promise<OptimizeResult> {
  const box = req.features.map((f) => {
    const b = req.bounds?.[f.name] ?? {};
    return { lo: Math.max(f.min, b.min ?? f.min), hi: Math.min(f.max, b.max ?? f.max) };
  });
  let evaluated = 0;
  const grid = async (ranges: { lo: number; hi: number }[], k: number) => {
    const axes = ranges.map(({ lo, hi }) =>
      Array.from({ length: k }, (_, i) => (k === 1 ? lo : lo + ((hi - lo) * i) / (k - 1))),
    );
    const points = cartesian(axes);
    const rows = Float32Array.from(points.flat());
    const s = await score(rows, points.length);
    evaluated += points.length;
    return { points, prediction: Array.from(s.prediction) };
  };
  const around = (p: number[], cells: number[]) =>
    p.map((v, j) => ({ lo: Math.max(box[j]!.lo, v - cells[j]!), hi: Math.min(box[j]!.hi, v + cells[j]!) }));
  const cellOf = (ranges: { lo: number; hi: number }[], k: number) => ranges.map(({ lo, hi }) => (hi - lo) / (k - 1));

  let chosen: number[];
  let feasible = true;
  if (req.goal.kind === 'maximize') {
    const coarse = await grid(box, COARSE);
    const cells = cellOf(box, COARSE);
    // The surface is fitted over ±3 coarse cells (±15 % of each span): wide enough that the
    // trees' steps average out, narrow enough that the plant is close to quadratic there.
    const ranges = around(
      coarse.points[argmax(coarse.prediction)]!,
      cells.map((c) => 3 * c),
    );
    const g = await grid(ranges, SURFACE);
    chosen = quadraticPeak(g.points, g.prediction, ranges) ?? g.points[argmax(g.prediction)]!;
  } else {
    const target = req.goal.target;
    const from = req.features.map((f, j) => clamp(req.from?.[f.name] ?? (box[j]!.lo + box[j]!.hi) / 2, box[j]!));
    const span = req.features.map((f) => f.max - f.min);
    const distance = (p: number[]) => p.reduce((sum, v, j) => sum + ((v - from[j]!) / span[j]!) ** 2, 0);
    const pick = (g: { points: number[][]; prediction: number[] }) => {
      let at = -1;
      for (let i = 0; i < g.points.length; i++) {
        if (g.prediction[i]! >= target && (at < 0 || distance(g.points[i]!) < distance(g.points[at]!))) at = i;
      }
      return at;
    };
    // The live point itself may already be good enough.
    const here = await grid(
      from.map((v) => ({ lo: v, hi: v })),
      1,
    );
    if (here.prediction[0]! >= target) {
      chosen = from;
    } else {
      const g = await grid(box, COARSE);
      const at = pick(g);
      if (at < 0) {
        feasible = false;
        chosen = g.points[argmax(g.prediction)]!;
      } else {
        const cells = cellOf(box, COARSE);
        const fine = await grid(around(g.points[at]!, cells), FINE);
        const fineAt = pick(fine);
        chosen =
          fineAt >= 0 && distance(fine.points[fineAt]!) < distance(g.points[at]!)
            ? fine.points[fineAt]!
            : g.points[at]!;
      }
    }
  }

  // Settable values: on each slider's step, inside the box.
  const snapped = chosen.map((v, j) => snap(v, req.features[j]!, box[j]!));
  const final = await score(Float32Array.from(snapped), 1);
  evaluated += 1;
  const values = Object.fromEntries(req.features.map((f, j) => [f.name, snapped[j]!]));
  const prediction = final.prediction[0]!;
  // Snapping to the sliders' steps may cost a little: say so rather than promise the target.
  if (req.goal.kind === 'target') feasible = prediction >= req.goal.target;
  return {
    values,
    prediction,
    lower: final.lower ? final.lower[0]! : null,
    upper: final.upper ? final.upper[0]! : null,
    change: req.from
      ? Object.fromEntries(req.features.map((f) => [f.name, round(values[f.name]! - (req.from![f.name] ?? NaN), 6)]))
      : null,
    feasible,
    evaluated,
  };
}

function cartesian(axes: number[][]): number[][] {
  return axes.reduce<number[][]>((acc, axis) => acc.flatMap((prefix) => axis.map((v) => [...prefix, v])), [[]]);
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function clamp(v: number, r: { lo: number; hi: number }): number {
  return Math.min(r.hi, Math.max(r.lo, v));
}

function snap(v: number, f: OptimizeFeature, r: { lo: number; hi: number }): number {
  const k = Math.round((v - f.min) / f.step);
  let s = round(f.min + k * f.step, 10);
  if (s > r.hi) s = round(f.min + Math.floor((r.hi - f.min) / f.step) * f.step, 10);
  if (s < r.lo) s = round(f.min + Math.ceil((r.lo - f.min) / f.step) * f.step, 10);
  return s;
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

/**
 * Fits y ≈ c + Σ b_j z_j + Σ_{j<=k} a_jk z_j z_k (z = coordinates scaled to [-1, 1] over
 * `ranges`) and returns its stationary point when the fit is concave and the point lies in the
 * ranges; else null.
 */
export function quadraticPeak(points: number[][], y: number[], ranges: { lo: number; hi: number }[]): number[] | null {
  const d = ranges.length;
  const mid = ranges.map((r) => (r.lo + r.hi) / 2);
  const half = ranges.map((r) => (r.hi - r.lo) / 2 || 1);
  const pairs: [number, number][] = [];
  for (let j = 0; j < d; j++) for (let k = j; k < d; k++) pairs.push([j, k]);
  const terms = 1 + d + pairs.length;
  const ata = Array.from({ length: terms }, () => new Float64Array(terms));
  const aty = new Float64Array(terms);
  const row = new Float64Array(terms);
  points.forEach((p, i) => {
    const z = p.map((v, j) => (v - mid[j]!) / half[j]!);
    row[0] = 1;
    for (let j = 0; j < d; j++) row[1 + j] = z[j]!;
    pairs.forEach(([j, k], t) => (row[1 + d + t] = z[j]! * z[k]!));
    for (let a = 0; a < terms; a++) {
      aty[a]! += row[a]! * y[i]!;
      for (let b = 0; b < terms; b++) ata[a]![b]! += row[a]! * row[b]!;
    }
  });
  const coef = solve(ata, aty);
  if (!coef) return null;
  // Gradient b + H z = 0, with H_jj = 2 a_jj and H_jk = a_jk.
  const h = Array.from({ length: d }, () => new Float64Array(d));
  pairs.forEach(([j, k], t) => {
    const a = coef[1 + d + t]!;
    if (j === k) h[j]![j] = 2 * a;
    else {
      h[j]![k] = a;
      h[k]![j] = a;
    }
  });
  const z = solve(
    h.map((r) => Float64Array.from(r)),
    Float64Array.from({ length: d }, (_, j) => -coef[1 + j]!),
  );
  if (!z || !negativeDefinite(h)) return null;
  if (z.some((v) => Math.abs(v) > 1)) return null;
  return Array.from(z, (v, j) => mid[j]! + v * half[j]!);
}

/** Gaussian elimination with partial pivoting; null when singular. Overwrites its inputs. */
function solve(a: Float64Array[], b: Float64Array): Float64Array | null {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** Leading principal minors alternate in sign (negative first): -H is positive definite. */
function negativeDefinite(h: Float64Array[]): boolean {
  const d = h.length;
  for (let m = 1; m <= d; m++) {
    const det = determinant(Array.from({ length: m }, (_, r) => Array.from(h[r]!.subarray(0, m))));
    if (m % 2 === 1 ? det >= 0 : det <= 0) return false;
  }
  return true;
}

function determinant(m: number[][]): number {
  if (m.length === 1) return m[0]![0]!;
  return m[0]!.reduce((sum, v, c) => {
    const minor = m.slice(1).map((row) => row.filter((_, k) => k !== c));
    return sum + (c % 2 ? -1 : 1) * v * determinant(minor);
  }, 0);
}
