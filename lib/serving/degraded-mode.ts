/**
 * Degraded mode and the way out of it. At start, and every RETRY_MS while nothing serves, the
 * chosen version is loaded: the version an admin activated (settings 'model.active'), else
 * MODEL, else the newest version of the first shipped package. The admin's choice wins over MODEL
 * because it was made later, at run time, on purpose; MODEL is the deployment default and the
 * fallback when the activated package is gone or broken. When none loads the console runs
 * degraded (points unscored, the API's model calls 503) with the reasons.
 *
 * The way in: MAX_RUN_FAILURES failed runs in a row take a version out of service (the champion:
 * degraded until a retry loads a version again; the challenger: its A/B test ends).
 */
import type { Config } from '../config/env';
import type { Logger } from '../log';
import { loadModelPackage, ModelPackageError } from '../model';
import type { Activation } from './activation';
import { ModelEntry } from './model-entry';
import { refKey, type ModelRef } from './serving-types';
import type { ServingSettings } from './serving-settings';
import type { VersionRegistry } from './version-registry';

/** While degraded, the chosen package is loaded again this often. */
export const RETRY_MS = 10_000;
/** This many failed runs in a row take a version out of service. */
const MAX_RUN_FAILURES = 3;

export interface DegradedModeDeps {
  config: Pick<Config, 'MODEL' | 'modelsDir' | 'uploadedModelsDir'>;
  activation: Activation;
  registry: VersionRegistry;
  settings: ServingSettings;
  log: Logger;
  retryMs?: number;
}

export class DegradedMode {
  private lastProblem: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(private readonly deps: DegradedModeDeps) {
    // A version serves again: the next time nothing can, say so again.
    deps.activation.changes.add((model) => {
      if (model) this.lastProblem = null;
    });
  }

  /** Retries every RETRY_MS (or `retryMs`) while degraded. */
  start(): void {
    this.timer = setInterval(() => void this.retryIfDegraded(), this.retryMs);
    this.timer.unref();
  }

  stop(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Installs the chosen version (see the file comment), tried in order; degraded with the reasons if none loads. */
  async recover(): Promise<void> {
    const { config, activation, registry, settings, log } = this.deps;
    const candidates: { ref: ModelRef | null; why: 'activated' | 'MODEL' | 'default' }[] = [];
    const saved = await settings.activated();
    if (saved) candidates.push({ ref: saved, why: 'activated' });
    const packages = await registry.packages();
    const { MODEL } = config;
    if (MODEL) {
      const [name, version] = MODEL.split('/') as [string, string];
      candidates.push({ ref: { name, version }, why: 'MODEL' });
    } else {
      const shipped = packages.filter((p) => p.source === 'shipped');
      const first = shipped[0] ?? packages[0];
      const newest = first
        ? packages.filter((p) => p.name === first.name && p.source === first.source).at(-1)
        : undefined;
      candidates.push({ ref: newest ? { name: newest.name, version: newest.version } : null, why: 'default' });
    }
    const problems: string[] = [];
    for (const c of candidates) {
      const found = c.ref ? packages.find((p) => p.name === c.ref!.name && p.version === c.ref!.version) : undefined;
      if (!found) {
        problems.push(
          c.why === 'default'
            ? `no model package under ${config.modelsDir} (nor uploaded under ${config.uploadedModelsDir})`
            : c.why === 'MODEL'
              ? `model package ${MODEL} not found under ${config.modelsDir}`
              : `the activated model ${refKey(c.ref!)} is no longer there`,
        );
        continue;
      }
      try {
        const model = await loadModelPackage(found.dir);
        if (problems.length) log.warn({ problems, model: refKey(found) }, 'serving a fallback model');
        if (c.why === 'activated' && MODEL && MODEL !== refKey(found))
          log.warn({ MODEL, activated: refKey(found) }, 'serving the version an admin activated, not MODEL');
        activation.install(new ModelEntry(model, found.source));
        log.info({ model: refKey(found), chosenBy: c.why }, 'model loaded');
        return;
      } catch (err) {
        problems.push(
          err instanceof ModelPackageError
            ? (err as Error).message
            : `model ${refKey(found)} failed to load: ${(err as Error).message}`,
        );
      }
    }
    activation.problemText = problems.join('\n');
    if (activation.problemText !== this.lastProblem)
      log.error(
        { problem: activation.problemText },
        'no model can run; running degraded (retrying every %d s)',
        this.retryMs / 1000,
      );
    this.lastProblem = activation.problemText;
  }

  /** Every model run's outcome (null: it worked); repeated failures take the version out of service. */
  onRun(entry: ModelEntry, err: unknown): void {
    const n = entry.recordRun(err);
    if (n < MAX_RUN_FAILURES || entry.isRetired) return;
    const { activation, settings, log } = this.deps;
    const reason = `model ${entry.key} failed ${n} runs in a row: ${(err as Error).message ?? String(err)}`;
    log.error({ err, model: entry.key }, 'model taken out of service');
    const { champion, challenger } = activation.state;
    if (challenger?.entry === entry) {
      activation.state = { champion, challenger: null };
      settings.dropAb();
    } else if (champion === entry) {
      activation.degrade(reason);
    } else return;
    void entry.retire();
  }

  private get retryMs(): number {
    return this.deps.retryMs ?? RETRY_MS;
  }

  private async retryIfDegraded(): Promise<void> {
    const { activation, log } = this.deps;
    if (this.closed || activation.state.champion) return;
    await activation
      .exclusive(async () => {
        if (!this.closed && !activation.state.champion) await this.recover();
      })
      .catch((err: unknown) => log.warn({ err }, 'model retry failed'));
  }
}
