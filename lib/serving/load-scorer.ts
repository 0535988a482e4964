/**
 * Adapts a loaded model to what the pipeline needs. Which package serves is decided by the model
 * manager (model-manager.ts).
 */
import type { TwinModel } from '../model';
import type { RowCheck, Scorer, ScoreResult } from '../twin/scorer';

/** The pipeline's view of a loaded model. */
export function scorerFor(model: TwinModel): Scorer {
  const m = model.manifest;
  return {
    name: m.name,
    version: m.version,
    features: m.features.map(({ name, label, unit, min, max }) => ({ name, label, unit, min, max })),
    target: { ...m.target },
    targetLimits: { ...m.alerts.prediction },
    check(values): RowCheck {
      const res = model.check(values);
      // Anything but a clean row is shown unscored; the fields say why.
      return res.ok ? res : { ok: false, outOfRange: [...new Set(res.errors.map((e) => e.field))] };
    },
    async scoreRows(rows, n) {
      const s = await model.predictRows(rows, n);
      const results: ScoreResult[] = new Array(n);
      for (let i = 0; i < n; i++) {
        results[i] = {
          prediction: s.prediction[i]!,
          lower: s.lower ? s.lower[i]! : null,
          upper: s.upper ? s.upper[i]! : null,
        };
      }
      return { results, inferenceMs: s.inferenceMs };
    },
  };
}
