/**
 * The model lifecycle: which version serves, switching versions without a restart, uploads, the
 * A/B test, degraded mode and its recovery, input drift. One per process, built by startConsole;
 * route handlers reach it through `getServices().models`.
 *
 * Choosing at start (and when recovering): the version an admin activated (settings
 * 'model.active'), else MODEL, else the newest version of the first shipped package. The admin's
 * choice wins over MODEL because it was made later, at run time, on purpose; MODEL is the
 * deployment default and the fallback when the activated package is gone or broken.
 */
import { z } from 'zod';
import type { Config } from '../config/env';
import type { AuditRepo } from '../db/audit-repo';
import type { SettingsRepo } from '../db/settings-repo';
import type { Logger } from '../log';
import {
  listAllPackages,
  loadModelPackage,
  ModelPackageError,
  readManifest,
  storeUploadedPackage,
  type PackageSource,
  type SourcedPackageRef,
  type TwinModel,
  type UploadedFiles,
} from '../model';
import { ensureModelMetrics, recordDriftAlert } from '../metrics/model-metrics';
import { AbStats, mergeTotals, type VersionStats, type VersionTotals } from './ab-stats';
import { abConfigSchema, type AbConfig, type AbMode } from './ab-split';
import { DriftMonitor, type DriftReport } from './drift';
import { ModelEntry } from './model-entry';
import {
  createPredictionCache,
  servingModel,
  servingScorer,
  type ServingDeps,
  type ServingState,
} from './model-serving';
import type { Scorer } from './scorer';
import type { Point } from './types';
import { DomainError } from '../errors/domain-error';

export const ACTIVE_KEY = 'model.active';
export const AB_KEY = 'model.ab';
/** While degraded, the chosen package is loaded again this often. */
export const RETRY_MS = 10_000;
/** This many failed runs in a row take a version out of service. */
const MAX_RUN_FAILURES = 3;
const DRIFT_CHECK_MS = 5_000;

export interface ModelRef {
  name: string;
  version: string;
}

export interface Actor {
  username: string;
  address?: string;
}

export interface ModelVersionInfo extends ModelRef {
  source: PackageSource;
  active: boolean;
  challenger: boolean;
  trainedAt: string | null;
  description: string;
  metrics: { r2: number; mae: number; rmse: number } | null;
  features: string[];
  /** Why its twin.json cannot be read (a listed package may still fail to load). */
  problem: string | null;
}

/** One instance's A/B figures, for merging across a cluster. */
export interface AbTotals {
  test: string | null;
  versions: VersionTotals[];
}

export interface AbView {
  running: boolean;
  champion: ModelRef | null;
  /** share: of predictions it serves (0 in shadow mode: it scores every live point, unseen). */
  challenger: (ModelRef & { share: number; mode: AbMode }) | null;
  since: number;
  versions: VersionStats[];
}

/** A drift state change of one feature (the hook for the alert engine). */
export interface DriftEvent {
  feature: string;
  label: string;
  state: 'drifting' | 'stable';
  psi: number;
  threshold: number;
  outOfRangeRate: number | null;
  at: number;
}

export class ModelNotFoundError extends DomainError {
  constructor(ref: ModelRef) {
    super({ status: 404, code: 'model_not_found', message: `no model package ${ref.name} ${ref.version}` });
    this.name = 'ModelNotFoundError';
  }
}

/** The request conflicts with what serves now (e.g. an A/B challenger equal to the champion). */
export class ModelConflictError extends DomainError {
  constructor(message: string) {
    super({ status: 409, code: 'conflict', message });
    this.name = 'ModelConflictError';
  }
}

export interface ModelManagerDeps {
  config: Config;
  logger: Logger;
  settings: SettingsRepo;
  audit: AuditRepo;
  /** Tells every console (socket.io `model:changed`). */
  broadcast(model: ModelRef | null): void;
  /** Test seam for the A/B split. */
  random?: () => number;
  retryMs?: number;
}

const refSchema = z.object({ name: z.string().min(1), version: z.string().min(1) });

export class ModelManager {
  private state: ServingState = { champion: null, challenger: null };
  private problemText: string | null = 'model not loaded yet';
  private chain: Promise<unknown> = Promise.resolve();
  private readonly failures = new Map<ModelEntry, number>();
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private driftTimer: ReturnType<typeof setInterval> | undefined;
  private readonly driftListeners = new Set<(e: DriftEvent) => void>();
  private readonly drifting = new Set<string>();
  private readonly driftCheckListeners = new Set<(report: DriftReport, at: number) => void>();
  private readonly changeListeners = new Set<(model: ModelRef | null) => void>();
  private readonly choiceListeners = new Set<() => void>();
  /** Other instances' A/B totals (lib/cluster/ab-figures.ts); none in one process. */
  private peerAbTotals: () => AbTotals[] = () => [];
  private lastRetryProblem: string | null = null;
  private closed = false;
  readonly stats = new AbStats();
  readonly driftMonitor: DriftMonitor;
  private readonly serving: ServingDeps;
  private readonly facade: TwinModel;
  private readonly log: Logger;

  constructor(private readonly deps: ModelManagerDeps) {
    this.log = deps.logger.child({ module: 'models' });
    this.driftMonitor = new DriftMonitor({ threshold: deps.config.DRIFT_PSI_THRESHOLD });
    this.serving = {
      state: () => this.state,
      problem: () => this.problemText,
      stats: this.stats,
      cache: createPredictionCache(deps.config.PREDICTION_CACHE_SIZE),
      onRun: (entry, err) => this.onRun(entry, err),
      random: deps.random,
    };
    this.facade = servingModel(this.serving);
    ensureModelMetrics();
  }

  /** Loads the chosen version (or starts degraded) and restores the A/B test; never throws. */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      await this.recover();
      if (this.state.champion) await this.restoreAb();
    });
    this.retryTimer = setInterval(() => void this.retryIfDegraded(), this.deps.retryMs ?? RETRY_MS);
    this.retryTimer.unref();
    this.driftTimer = setInterval(() => this.checkDrift(), DRIFT_CHECK_MS);
    this.driftTimer.unref();
  }

  // --- what the rest of the console reads --------------------------------------------------------

  /** The pipeline's scorer for one batch, or null while degraded. */
  scorer(): Scorer | null {
    return servingScorer(this.serving);
  }

  /** The API's model (routes every call to the serving version), or null while degraded. */
  model(): TwinModel | null {
    return this.state.champion ? this.facade : null;
  }

  problem(): string | null {
    return this.state.champion ? null : this.problemText;
  }

  active(): ModelRef | null {
    const c = this.state.champion;
    return c ? { name: c.name, version: c.version } : null;
  }

  /** Every package (shipped and uploaded) with what serves it. */
  async list(): Promise<ModelVersionInfo[]> {
    const refs = await this.packages();
    const champion = this.state.champion?.key;
    const challenger = this.state.challenger?.entry.key;
    return Promise.all(
      refs.map(async (r) => {
        const { manifest, problems } = await readManifest(r.dir);
        const key = `${r.name}/${r.version}`;
        return {
          name: r.name,
          version: r.version,
          source: r.source,
          active: key === champion,
          challenger: key === challenger,
          trainedAt: manifest?.trainedAt ?? null,
          description: manifest?.description ?? '',
          metrics: manifest?.metrics
            ? { r2: manifest.metrics.r2, mae: manifest.metrics.mae, rmse: manifest.metrics.rmse }
            : null,
          features: manifest?.features.map((f) => f.name) ?? [],
          problem: problems.length
            ? problems.map((p) => `${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('; ')
            : null,
        };
      }),
    );
  }

  /** Feeds a pipeline point to the drift monitor and the A/B figures. */
  observePoint(point: Point): void {
    this.driftMonitor.observe(point.values);
    if (point.prediction !== null && point.modelVersion)
      // The latency was recorded per model call by the scorer (a tick scores every asset at once).
      this.stats.record(point.modelVersion, point.prediction, null, point.actual);
  }

  /** Drift of the serving model's features, or null while degraded. */
  drift(): DriftReport | null {
    const c = this.state.champion;
    return c ? this.driftMonitor.report(c.model.manifest.features) : null;
  }

  /** Calls `listener` with every drift check's report (every 5 s while a model serves), for the alert engine. Returns the unsubscribe. */
  onDriftCheck(listener: (report: DriftReport, at: number) => void): () => void {
    this.driftCheckListeners.add(listener);
    return () => this.driftCheckListeners.delete(listener);
  }

  /** Calls `listener` after the serving version changed (null: degraded), like `model:changed`. Returns the unsubscribe. */
  onModelChange(listener: (model: ModelRef | null) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Calls `listener` after an admin action stored a new serving choice (`model.active`,
   * `model.ab`): activation, promotion, A/B start and stop. Other instances are told through it
   * (lib/cluster/serving-sync.ts). Returns the unsubscribe.
   */
  onChoiceStored(listener: () => void): () => void {
    this.choiceListeners.add(listener);
    return () => this.choiceListeners.delete(listener);
  }

  /**
   * Serves what the settings say (another instance changed them; the database is the truth):
   * the activated version and the A/B test, loaded here without storing or auditing anything
   * again. A version this instance cannot find or load keeps the current one (logged).
   */
  async reloadChoice(): Promise<void> {
    await this.exclusive(async () => {
      if (this.closed) return;
      const saved = refSchema.safeParse((await this.deps.settings.get(ACTIVE_KEY))?.value);
      if (saved.success && this.state.champion?.key !== `${saved.data.name}/${saved.data.version}`) {
        const found = await this.find(saved.data);
        if (!found) this.log.warn({ model: saved.data }, 'activated elsewhere, but no such package here');
        else {
          this.install(new ModelEntry(await loadModelPackage(found.dir), found.source), { persist: false });
          this.log.info({ model: `${found.name}/${found.version}` }, 'model activated on another instance');
        }
      }
      const ab = abConfigSchema.safeParse((await this.deps.settings.get(AB_KEY))?.value);
      const challenger = this.state.challenger;
      if (!ab.success) {
        if (!challenger) return;
        this.state = { champion: this.state.champion, challenger: null };
        void challenger.entry.retire();
        this.log.info('A/B test stopped on another instance');
        return;
      }
      const same =
        challenger?.entry.key === `${ab.data.name}/${ab.data.version}` &&
        challenger.share === (ab.data.share ?? 0) &&
        challenger.mode === ab.data.mode;
      if (same) return;
      if (challenger) void challenger.entry.retire();
      this.state = { champion: this.state.champion, challenger: null };
      await this.restoreAb({ keepSetting: true });
      if (this.state.challenger) this.stats.reset();
    });
  }

  private notify<T extends unknown[]>(listeners: Set<(...args: T) => void>, ...args: T): void {
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        this.log.warn({ err }, 'model listener failed');
      }
    }
  }

  /** Calls `listener` when a feature starts or stops drifting. Returns the unsubscribe. */
  onDrift(listener: (e: DriftEvent) => void): () => void {
    this.driftListeners.add(listener);
    return () => this.driftListeners.delete(listener);
  }

  /** This instance's A/B totals, tagged with the test they belong to (null: none runs). */
  abTotals(): AbTotals {
    const { champion, challenger } = this.state;
    const versions = [champion?.version, challenger?.entry.version].filter((v): v is string => Boolean(v));
    return { test: this.abTestId(), versions: this.stats.totals(versions) };
  }

  /** Where the other instances' totals of the running test come from (cluster); their figures join ours. */
  setPeerAbTotals(source: () => AbTotals[]): void {
    this.peerAbTotals = source;
  }

  private abTestId(): string | null {
    const { champion, challenger } = this.state;
    return champion && challenger
      ? `${champion.key}|${challenger.entry.key}|${challenger.mode ?? 'split'}|${challenger.share}`
      : null;
  }

  ab(): AbView {
    const { champion, challenger } = this.state;
    const versions = [champion?.version, challenger?.entry.version].filter((v): v is string => Boolean(v));
    const summary = this.stats.summary(versions);
    const test = this.abTestId();
    const peers = test ? this.peerAbTotals().filter((p) => p.test === test) : [];
    if (peers.length) {
      const mine = this.stats.totals(versions);
      summary.versions = versions.map((v, i) =>
        mergeTotals(v, [mine[i]!, ...peers.flatMap((p) => p.versions.filter((t) => t.version === v))]),
      );
    }
    return {
      running: Boolean(challenger),
      champion: champion ? { name: champion.name, version: champion.version } : null,
      challenger: challenger
        ? {
            name: challenger.entry.name,
            version: challenger.entry.version,
            share: challenger.share,
            mode: challenger.mode ?? 'split',
          }
        : null,
      since: summary.since,
      versions: summary.versions,
    };
  }

  /**
   * A registered version loaded on a session of its own, apart from the serving ones (backtests);
   * the caller disposes it. ModelNotFoundError when there is no such package.
   */
  async loadVersion(ref: ModelRef): Promise<TwinModel> {
    const found = await this.find(ref);
    if (!found) throw new ModelNotFoundError(ref);
    return loadModelPackage(found.dir);
  }

  // --- admin actions ---------------------------------------------------------------------------

  /**
   * Checks an uploaded package fully (loader + test prediction) and stores it. Nothing changes
   * on a refusal. While degraded, a good upload is activated at once (it can run; nothing else can).
   */
  async upload(files: UploadedFiles, actor: Actor): Promise<ModelVersionInfo> {
    let stored: { ref: ModelRef; model: TwinModel };
    try {
      stored = await storeUploadedPackage(
        this.deps.config.uploadedModelsDir,
        files,
        async (name, version) => (await this.find({ name, version })) !== null,
      );
    } catch (err) {
      await this.audit(actor, 'model.upload', null, 'failure', {
        reason: (err as Error).name,
        ...(err instanceof ModelPackageError
          ? { problems: (err as ModelPackageError).problems }
          : { message: (err as Error).message }),
      });
      throw err;
    }
    const { ref, model } = stored;
    await this.audit(actor, 'model.upload', ref, 'success', {});
    this.log.info({ model: `${ref.name}/${ref.version}`, by: actor.username }, 'model uploaded');
    await this.exclusive(async () => {
      if (this.state.champion) {
        await model.dispose();
        return;
      }
      await this.deps.settings.set(ACTIVE_KEY, ref, actor.username);
      this.install(new ModelEntry(model, 'uploaded'));
      this.notify(this.choiceListeners);
      await this.audit(actor, 'model.activate', ref, 'success', {
        reason: 'recovered from degraded mode by an upload',
      });
    });
    const info = (await this.list()).find((v) => v.name === ref.name && v.version === ref.version);
    if (!info) throw new ModelNotFoundError(ref);
    return info;
  }

  /**
   * Makes `ref` the serving version: loaded and checked first, then swapped in one assignment;
   * calls running on the old version finish on it, then its session is released. Persisted, so a
   * restart serves it too. Activating the A/B challenger promotes it (the test ends).
   */
  async activate(ref: ModelRef, actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    return this.exclusive(async () => {
      const key = `${ref.name}/${ref.version}`;
      if (this.state.champion?.key === key) {
        await this.deps.settings.set(ACTIVE_KEY, ref, actor.username);
        return { changed: false, model: ref };
      }
      const challenger = this.state.challenger;
      let entry: ModelEntry;
      if (challenger?.entry.key === key) {
        this.state = { champion: this.state.champion, challenger: null };
        await this.deps.settings.delete(AB_KEY);
        entry = challenger.entry;
      } else {
        entry = await this.loadEntry(ref, actor, 'model.activate');
      }
      try {
        await this.deps.settings.set(ACTIVE_KEY, { name: ref.name, version: ref.version }, actor.username);
      } catch (err) {
        if (entry !== challenger?.entry) await entry.retire();
        throw err;
      }
      const previous = this.active();
      this.install(entry);
      await this.audit(actor, 'model.activate', ref, 'success', { previous });
      this.log.info({ model: key, previous, by: actor.username }, 'model activated');
      this.notify(this.choiceListeners);
      return { changed: true, model: ref };
    });
  }

  /**
   * Sends `share` of predictions to `config`'s version, next to the serving one; in shadow mode
   * none: the challenger scores every live point unseen and only its figures accrue.
   */
  async startAb(config: AbConfig, actor: Actor): Promise<AbView> {
    await this.exclusive(async () => {
      const champion = this.state.champion;
      if (!champion) throw new ModelConflictError('no model is serving: activate one before starting an A/B test');
      if (champion.key === `${config.name}/${config.version}`)
        throw new ModelConflictError(`${config.name} ${config.version} is already the serving version`);
      if (champion.version === config.version)
        throw new ModelConflictError(
          `the challenger needs a version number other than the serving one (${champion.version})`,
        );
      const entry = await this.loadEntry(config, actor, 'model.ab.start');
      const why = incompatibility(champion.model, entry.model);
      if (why) {
        await entry.retire();
        await this.audit(actor, 'model.ab.start', config, 'failure', { reason: why });
        throw new ModelConflictError(why);
      }
      await this.deps.settings.set(AB_KEY, config, actor.username);
      const old = this.state.challenger;
      this.state = { champion, challenger: { entry, share: config.share ?? 0, mode: config.mode } };
      this.failures.delete(entry);
      void old?.entry.retire();
      this.stats.reset();
      this.notify(this.choiceListeners);
      await this.audit(actor, 'model.ab.start', config, 'success', {
        mode: config.mode,
        share: config.share ?? 0,
        champion: champion.key,
      });
      this.log.info(
        { challenger: entry.key, mode: config.mode, share: config.share ?? 0, by: actor.username },
        'A/B test started',
      );
    });
    return this.ab();
  }

  /** Ends the A/B test; everything goes to the serving version again. */
  async stopAb(actor: Actor): Promise<AbView> {
    await this.exclusive(async () => {
      const challenger = this.state.challenger;
      await this.deps.settings.delete(AB_KEY);
      if (!challenger) return;
      this.state = { champion: this.state.champion, challenger: null };
      void challenger.entry.retire();
      this.notify(this.choiceListeners);
      await this.audit(
        actor,
        'model.ab.stop',
        { name: challenger.entry.name, version: challenger.entry.version },
        'success',
        { stats: this.stats.summary([challenger.entry.version]).versions[0] },
      );
    });
    return this.ab();
  }

  /** Makes the challenger the serving version (persisted) and ends the test. */
  async promote(actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    const challenger = this.state.challenger;
    if (!challenger) throw new ModelConflictError('no A/B test is running');
    return this.activate({ name: challenger.entry.name, version: challenger.entry.version }, actor);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retryTimer);
    clearInterval(this.driftTimer);
    await this.chain.catch(() => undefined);
    const { champion, challenger } = this.state;
    this.state = { champion: null, challenger: null };
    this.problemText = 'the console is shutting down';
    await Promise.all([champion?.retire(), challenger?.entry.retire()]);
    await Promise.all([champion?.drained(5_000), challenger?.entry.drained(5_000)]);
  }

  // --- internals --------------------------------------------------------------------------------

  /** Serialises changes of the serving versions (two activations never interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The new champion takes every call from now on; the old one drains and is released. */
  private install(entry: ModelEntry, opts: { persist?: boolean } = {}): void {
    const old = this.state.champion;
    let challenger = this.state.challenger;
    if (
      challenger &&
      (challenger.entry === entry ||
        incompatibility(entry.model, challenger.entry.model) ||
        challenger.entry.version === entry.version)
    ) {
      if (challenger.entry !== entry) void challenger.entry.retire();
      challenger = null;
      // Applying another instance's choice: that instance stores the outcome.
      if (opts.persist !== false)
        void this.deps.settings
          .delete(AB_KEY)
          .catch((err: unknown) => this.log.warn({ err }, 'could not clear the A/B setting'));
    }
    this.state = { champion: entry, challenger };
    this.failures.delete(entry);
    this.problemText = null;
    this.lastRetryProblem = null;
    if (old && old !== entry) void old.retire();
    this.deps.broadcast({ name: entry.name, version: entry.version });
    this.notify(this.changeListeners, { name: entry.name, version: entry.version });
  }

  private async packages(): Promise<SourcedPackageRef[]> {
    return listAllPackages(this.deps.config.modelsDir, this.deps.config.uploadedModelsDir);
  }

  private async find(ref: ModelRef): Promise<SourcedPackageRef | null> {
    return (await this.packages()).find((p) => p.name === ref.name && p.version === ref.version) ?? null;
  }

  /** Loads and checks `ref`; audits a refusal under `action`. */
  private async loadEntry(ref: ModelRef, actor: Actor, action: string): Promise<ModelEntry> {
    const found = await this.find(ref);
    if (!found) {
      await this.audit(actor, action, ref, 'failure', { reason: 'not found' });
      throw new ModelNotFoundError(ref);
    }
    try {
      return new ModelEntry(await loadModelPackage(found.dir), found.source);
    } catch (err) {
      await this.audit(actor, action, ref, 'failure', { reason: (err as Error).message });
      throw err;
    }
  }

  /** The chosen version (see the file comment), tried in order; degraded with the reasons if none loads. */
  private async recover(): Promise<void> {
    const candidates: { ref: ModelRef | null; why: string }[] = [];
    const persisted = await this.deps.settings.get(ACTIVE_KEY).catch((err: unknown) => {
      this.log.warn({ err }, 'could not read the activated model version');
      return null;
    });
    const saved = refSchema.safeParse(persisted?.value);
    if (saved.success) candidates.push({ ref: saved.data, why: 'activated' });
    const packages = await this.packages();
    const { MODEL } = this.deps.config;
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
            ? `no model package under ${this.deps.config.modelsDir} (nor uploaded under ${this.deps.config.uploadedModelsDir})`
            : c.why === 'MODEL'
              ? `model package ${MODEL} not found under ${this.deps.config.modelsDir}`
              : `the activated model ${c.ref!.name}/${c.ref!.version} is no longer there`,
        );
        continue;
      }
      try {
        const model = await loadModelPackage(found.dir);
        if (problems.length)
          this.log.warn({ problems, model: `${found.name}/${found.version}` }, 'serving a fallback model');
        if (c.why === 'activated' && MODEL && MODEL !== `${found.name}/${found.version}`)
          this.log.warn(
            { MODEL, activated: `${found.name}/${found.version}` },
            'serving the version an admin activated, not MODEL',
          );
        this.install(new ModelEntry(model, found.source));
        this.log.info({ model: `${found.name}/${found.version}`, chosenBy: c.why }, 'model loaded');
        return;
      } catch (err) {
        problems.push(
          err instanceof ModelPackageError
            ? (err as Error).message
            : `model ${found.name}/${found.version} failed to load: ${(err as Error).message}`,
        );
      }
    }
    this.problemText = problems.join('\n');
    if (this.problemText !== this.lastRetryProblem)
      this.log.error(
        { problem: this.problemText },
        'no model can run; running degraded (retrying every %d s)',
        (this.deps.retryMs ?? RETRY_MS) / 1000,
      );
    this.lastRetryProblem = this.problemText;
  }

  /** `keepSetting`: applying another instance's test, a failure here must not stop it everywhere. */
  private async restoreAb(opts: { keepSetting?: boolean } = {}): Promise<void> {
    const saved = await this.deps.settings.get(AB_KEY).catch(() => null);
    if (!saved) return;
    const parsed = abConfigSchema.safeParse(saved.value);
    const champion = this.state.champion;
    if (!parsed.success || !champion) return;
    try {
      const found = await this.find(parsed.data);
      if (!found) throw new ModelNotFoundError(parsed.data);
      const entry = new ModelEntry(await loadModelPackage(found.dir), found.source);
      const why =
        incompatibility(champion.model, entry.model) ??
        (entry.version === champion.version ? 'same version as the serving one' : null);
      if (why) {
        await entry.retire();
        throw new Error(why);
      }
      this.state = {
        champion,
        challenger: { entry, share: parsed.data.share ?? 0, mode: parsed.data.mode },
      };
      this.log.info({ challenger: entry.key, mode: parsed.data.mode, share: parsed.data.share }, 'A/B test restored');
    } catch (err) {
      this.log.warn({ err, ab: parsed.data }, 'could not restore the A/B test; it is stopped');
      if (!opts.keepSetting) await this.deps.settings.delete(AB_KEY).catch(() => undefined);
    }
  }

  private async retryIfDegraded(): Promise<void> {
    if (this.closed || this.state.champion) return;
    await this.exclusive(async () => {
      if (!this.closed && !this.state.champion) await this.recover();
    }).catch((err: unknown) => this.log.warn({ err }, 'model retry failed'));
  }

  /** Repeated run failures take a version out of service (the champion: degraded until a retry loads it). */
  private onRun(entry: ModelEntry, err: unknown): void {
    if (!err) {
      if (this.failures.has(entry)) this.failures.delete(entry);
      return;
    }
    const n = (this.failures.get(entry) ?? 0) + 1;
    this.failures.set(entry, n);
    if (n < MAX_RUN_FAILURES || entry.isRetired) return;
    const reason = `model ${entry.key} failed ${n} runs in a row: ${(err as Error).message ?? String(err)}`;
    this.log.error({ err, model: entry.key }, 'model taken out of service');
    const { champion, challenger } = this.state;
    if (challenger?.entry === entry) {
      this.state = { champion, challenger: null };
      void this.deps.settings.delete(AB_KEY).catch(() => undefined);
    } else if (champion === entry) {
      this.state = { champion: null, challenger: null };
      if (challenger) void challenger.entry.retire();
      this.problemText = reason;
      this.deps.broadcast(null);
      this.notify(this.changeListeners, null);
    } else return;
    void entry.retire();
  }

  private checkDrift(): void {
    const report = this.drift();
    if (!report) return;
    this.notify(this.driftCheckListeners, report, Date.now());
    for (const f of report.features) {
      if (f.psi === null) continue;
      const was = this.drifting.has(f.name);
      if (f.drifting === was) continue;
      if (f.drifting) {
        this.drifting.add(f.name);
        recordDriftAlert(f.name);
        this.log.warn(
          { feature: f.name, psi: f.psi, threshold: report.threshold, outOfRangeRate: f.outOfRangeRate },
          'input drift',
        );
      } else {
        this.drifting.delete(f.name);
        this.log.info({ feature: f.name, psi: f.psi }, 'input drift over');
      }
      const event: DriftEvent = {
        feature: f.name,
        label: f.label,
        state: f.drifting ? 'drifting' : 'stable',
        psi: f.psi,
        threshold: report.threshold,
        outOfRangeRate: f.outOfRangeRate,
        at: Date.now(),
      };
      for (const l of this.driftListeners) {
        try {
          l(event);
        } catch (err) {
          this.log.warn({ err }, 'drift listener failed');
        }
      }
    }
  }

  private async audit(
    actor: Actor,
    action: string,
    ref: ModelRef | null,
    outcome: 'success' | 'failure',
    details: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.deps.audit.record({
        actor: actor.username,
        action,
        target: ref ? `${ref.name}/${ref.version}` : null,
        outcome,
        address: actor.address ?? null,
        details,
      });
    } catch (err) {
      this.log.warn({ err, action }, 'could not audit a model change');
    }
  }
}

/** Why `b` cannot take rows scored for `a` (same features in the same order, same target), or null. */
function incompatibility(a: TwinModel, b: TwinModel): string | null {
  const fa = a.manifest.features.map((f) => f.name).join(',');
  const fb = b.manifest.features.map((f) => f.name).join(',');
  if (fa !== fb)
    return `${b.manifest.name} ${b.manifest.version} takes features [${fb}], the serving model [${fa}]: both must take the same`;
  if (a.manifest.target.name !== b.manifest.target.name)
    return `${b.manifest.name} ${b.manifest.version} predicts ${b.manifest.target.name}, the serving model ${a.manifest.target.name}`;
  return null;
}
