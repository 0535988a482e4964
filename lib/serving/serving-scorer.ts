/**
 * What the pipeline calls instead of a model: a scorer for one batch, bound to the versions
 * serving now (so `check` and `scoreRows` of a batch always use the same ones). It is the one
 * adapter between the pipeline's Scorer and the loaded models: it reads the serving model's
 * description, checks rows and turns its row scores into results itself.
 */
import type { RowScores, TwinModel } from '../model';
import type { RowCheck, Scorer, ScoreResult } from '../twin/scorer';
import { splitRows } from './ab-split';
import type { ModelEntry } from './model-entry';
import { runOn, type ServingDeps } from './model-serving';

type Scored = { results: ScoreResult[]; inferenceMs: number };

/**
 * The pipeline's scorer for one batch, or null while degraded. Under an A/B test each row goes
 * to the challenger with its share; the two groups run concurrently and every result says which
 * version made it. In shadow mode the champion serves every row and the challenger scores them
 * all beside it, unseen.
 */
export function servingScorer(deps: ServingDeps): Scorer | null {
  const { champion, challenger } = deps.state();
  if (!champion) return null;
  const m = champion.model.manifest;
  const width = m.features.length;
  /** One model run of `n` rows on `entry`, its call time recorded for the A/B figures. */
  const score = async (entry: ModelEntry, rows: Float32Array, n: number): Promise<Scored> => {
    if (!n) return { results: [], inferenceMs: 0 };
    const out = toResults(await runOn(deps, entry, (model) => model.predictRows(rows, n)), n);
    // Each version's own call time (the tick's answer carries the slower of two).
    deps.stats.recordCall(entry.version, out.inferenceMs);
    return out;
  };
  return {
    name: m.name,
    version: m.version,
    features: m.features.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max })),
    target: { ...m.target },
    targetLimits: { ...m.alerts.prediction },
    check: (values) => checkRow(champion.model, values),
    async scoreRows(rows, n, context) {
      const served = async () => {
        const out = await score(champion, rows, n);
        return { results: out.results.map((r) => ({ ...r, version: champion.version })), inferenceMs: out.inferenceMs };
      };
      if (!challenger) return served();
      if (challenger.mode === 'shadow') {
        const [out] = await Promise.all([served(), shadowScore(deps, challenger.entry, rows, n, context?.actuals)]);
        return out;
      }
      const toB = splitRows(n, challenger.share, deps.random);
      const pick = (b: boolean) => {
        const idx = toB.flatMap((x, i) => (x === b ? [i] : []));
        const sub = new Float32Array(idx.length * width);
        idx.forEach((i, k) => sub.set(rows.subarray(i * width, (i + 1) * width), k * width));
        return { idx, sub };
      };
      const a = pick(false);
      const b = pick(true);
      const [ra, rb] = await Promise.all([
        score(champion, a.sub, a.idx.length),
        score(challenger.entry, b.sub, b.idx.length),
      ]);
      const results = new Array<ScoreResult>(n);
      a.idx.forEach((i, k) => (results[i] = { ...ra.results[k]!, version: champion.version }));
      b.idx.forEach((i, k) => (results[i] = { ...rb.results[k]!, version: challenger.entry.version }));
      return { results, inferenceMs: Math.max(ra.inferenceMs, rb.inferenceMs) };
    },
  };
}

/** A reading checked against the model: its input row, or the fields out of range. */
function checkRow(model: TwinModel, values: Record<string, number>): RowCheck {
  const res = model.check(values);
  // Anything but a clean row is shown unscored; the fields say why.
  return res.ok ? res : { ok: false, outOfRange: [...new Set(res.errors.map((e) => e.field))] };
}

/** The model's row scores as the pipeline's results (the version is added by the caller). */
function toResults(s: RowScores, n: number): Scored {
  const results: ScoreResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    results[i] = {
      prediction: s.prediction[i]!,
      lower: s.lower ? s.lower[i]! : null,
      upper: s.upper ? s.upper[i]! : null,
    };
  }
  return { results, inferenceMs: s.inferenceMs };
}

/**
 * Shadow mode: the challenger scores the same rows as the champion; its predictions go only into
 * its A/B figures (count, mean, latency, MAE against the measured values), never into a point,
 * the stream or an answer. A failing challenger never costs the served batch anything.
 */
async function shadowScore(
  deps: ServingDeps,
  entry: ModelEntry,
  rows: Float32Array,
  n: number,
  actuals: readonly (number | undefined)[] | undefined,
): Promise<void> {
  try {
    const out = toResults(await runOn(deps, entry, (model) => model.predictRows(rows, n)), n);
    deps.stats.recordCall(entry.version, out.inferenceMs);
    out.results.forEach((r, i) => deps.stats.record(entry.version, r.prediction, null, actuals?.[i]));
  } catch {
    // runOn() has counted the failure against the challenger (repeated ones end the test).
  }
}
