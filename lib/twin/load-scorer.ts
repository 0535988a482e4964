/**
 * Picks and loads the model package to serve, and adapts it to what the pipeline needs. Never
 * throws: without a usable model the console runs degraded (readings stream, predictions are
 * marked unavailable with the reason).
 */
import type { Config } from '../config/env';
import type { Logger } from '../log';
import { listModelPackages, loadModelPackage, ModelPackageError, type TwinModel } from '../model';
import type { RowCheck, Scorer, ScoreResult } from './scorer';

export interface ActiveModel {
  model: TwinModel | null;
  scorer: Scorer | null;
  problem: string | null;
}

/** MODEL (`name/version`) when set, else the newest version of the first package under MODELS_DIR. */
export async function loadActiveScorer(config: Config, logger: Logger): Promise<ActiveModel> {
  const log = logger.child({ module: 'model' });
  try {
    const packages = await listModelPackages(config.modelsDir);
    const wanted = config.MODEL ? packages.find((p) => `${p.name}/${p.version}` === config.MODEL) : packages.filter((p) => p.name === packages[0]?.name).at(-1);
    if (!wanted) {
      const problem = config.MODEL ? `model package ${config.MODEL} not found under ${config.modelsDir}` : `no model package under ${config.modelsDir}`;
      log.error(problem);
      return { model: null, scorer: null, problem };
    }
    const model = await loadModelPackage(wanted.dir);
    log.info({ model: `${wanted.name}/${wanted.version}` }, 'model loaded');
    return { model, scorer: scorerFor(model), problem: null };
  } catch (err) {
    const problem = err instanceof ModelPackageError ? err.message : `model failed to load: ${(err as Error).message}`;
    log.error({ err }, 'model failed to load; running degraded');
    return { model: null, scorer: null, problem };
  }
}

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
        results[i] = { prediction: s.prediction[i]!, lower: s.lower ? s.lower[i]! : null, upper: s.upper ? s.upper[i]! : null };
      }
      return { results, inferenceMs: s.inferenceMs };
    },
  };
}
