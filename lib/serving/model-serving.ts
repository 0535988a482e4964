/**
 * What the API calls instead of a model: a view that picks the serving version at each call (the
 * champion, or the A/B challenger for its share), counts the call on that version (see ModelEntry)
 * and records it for the A/B figures. Holding it across an activation is safe: the next call goes
 * to the new version, the running one finishes on the old. The pipeline's view is
 * serving-scorer.ts; both run every model call through `runOn`.
 */
import { LRUCache } from 'lru-cache';
import type { InputCheck, ItemPrediction, Prediction, RowScores, TwinModel } from '../model';
import { InputValidationError } from '../model/errors';
import { recordCacheLookup } from '../metrics/model-metrics';
import type { AbStats } from './ab-stats';
import { toChallenger, type AbMode } from './ab-split';
import type { ModelEntry } from './model-entry';
import { DomainError } from '../errors/domain-error';

export interface ServingState {
  champion: ModelEntry | null;
  /** share: of predictions routed to it (0 in shadow mode, where it only scores beside the champion). */
  challenger: { entry: ModelEntry; share: number; mode?: AbMode } | null;
}

export interface ServingDeps {
  state(): ServingState;
  /** Why nothing serves, when the champion is null. */
  problem(): string | null;
  stats: AbStats;
  /** Repeated API inputs; null when PREDICTION_CACHE_SIZE is 0. */
  cache: LRUCache<string, Prediction> | null;
  /** Every model run's outcome (null: it worked): repeated failures take a version out of service. */
  onRun(entry: ModelEntry, err: unknown): void;
  random?: () => number;
}

/** No version can serve (a call raced a runtime failure); the API maps it to 503. */
export class ModelUnavailableError extends DomainError {
  constructor(reason: string) {
    super({ status: 503, code: 'model_unavailable', message: `No model can run: ${reason}` });
    this.name = 'ModelUnavailableError';
  }
}

/** Runs `fn` on `entry`'s model, counted on the entry, its outcome reported to `deps.onRun`. */
export async function runOn<T>(deps: ServingDeps, entry: ModelEntry, fn: (m: TwinModel) => Promise<T>): Promise<T> {
  try {
    const out = await entry.use(fn);
    deps.onRun(entry, null);
    return out;
  } catch (err) {
    // Bad input is the caller's fault, not the model's: it never takes a version out of service.
    if (!(err instanceof InputValidationError)) deps.onRun(entry, err);
    throw err;
  }
}

/** A prediction cache of `size` entries, or null for 0. */
export function createPredictionCache(size: number): LRUCache<string, Prediction> | null {
  return size > 0 ? new LRUCache<string, Prediction>({ max: size }) : null;
}

/**
 * The TwinModel the API uses. Description getters (manifest, dir) are the champion's; each
 * prediction call is routed (A/B) and counted as a whole: a batch goes to one version, so a
 * what-if curve is never a mix of two models.
 */
export function servingModel(deps: ServingDeps): TwinModel {
  const champion = (): ModelEntry => {
    const c = deps.state().champion;
    if (!c) throw new ModelUnavailableError(deps.problem() ?? 'no model loaded');
    return c;
  };
  const routed = (): ModelEntry => {
    const s = deps.state();
    const c = champion();
    if (!s.challenger || s.challenger.mode === 'shadow') return c;
    return toChallenger(s.challenger.share, deps.random) ? s.challenger.entry : c;
  };
  const record = (p: Prediction) => deps.stats.record(p.modelVersion, p.prediction, p.inferenceMs);
  // A batch is one model call: its rows are counted, its latency once (not once per row).
  const recordBatch = (rows: Prediction[]) => {
    for (const p of rows) deps.stats.record(p.modelVersion, p.prediction, null);
    const first = rows[0];
    if (first) deps.stats.recordCall(first.modelVersion, first.inferenceMs);
  };
  return {
    get manifest() {
      return champion().model.manifest;
    },
    get dir() {
      return champion().model.dir;
    },
    get hasBand() {
      return champion().model.hasBand;
    },
    validate: (input: unknown): number[] => champion().model.validate(input),
    check: (input: unknown): InputCheck => champion().model.check(input),
    async predict(input: unknown, options?: { coalesce?: boolean }): Promise<Prediction> {
      const entry = routed();
      if (deps.cache) {
        const t0 = performance.now();
        const row = entry.model.validate(input);
        const key = `${entry.key}|${row.join(',')}`;
        const hit = deps.cache.get(key);
        recordCacheLookup(hit !== undefined);
        if (hit) {
          const answer = { ...hit, inferenceMs: performance.now() - t0 };
          record(answer);
          return answer;
        }
        const p = await runOn(deps, entry, (m) => m.predict(input, options));
        deps.cache.set(key, p);
        record(p);
        return p;
      }
      const p = await runOn(deps, entry, (m) => m.predict(input, options));
      record(p);
      return p;
    },
    async predictBatch(inputs: readonly unknown[]): Promise<Prediction[]> {
      const out = await runOn(deps, routed(), (m) => m.predictBatch(inputs));
      recordBatch(out);
      return out;
    },
    async predictEach(inputs: readonly unknown[]): Promise<ItemPrediction[]> {
      const out = await runOn(deps, routed(), (m) => m.predictEach(inputs));
      recordBatch(out.flatMap((item) => (item.ok ? [item.result] : [])));
      return out;
    },
    predictRows: (rows: Float32Array, n: number): Promise<RowScores> =>
      runOn(deps, champion(), (m) => m.predictRows(rows, n)),
    // The manager owns the sessions.
    dispose: async () => {},
  };
}
