/**
 * The model lifecycle, one per process (built by startConsole; route handlers reach it through
 * `getServices().models`). A facade: each job is a part of its own, composed here.
 *   version-registry.ts  the registered versions (shipped + uploaded), loading one
 *   activation.ts        which versions serve; activation and hot swap, one change at a time
 *   model-upload.ts      checking and storing an uploaded package
 *   ab-test.ts           the A/B test (split or shadow) and its figures
 *   drift-watch.ts       the serving model's input drift, checked every 5 s
 *   degraded-mode.ts     the chosen version at start, degraded mode and its recovery
 *   serving-settings.ts  what survives a restart (the activated version, the A/B test)
 *   stored-choice.ts     applying a choice stored by another instance (cluster)
 *   model-serving.ts, serving-scorer.ts  the API's and the pipeline's views of the serving versions
 */
import type { Config } from '../config/env';
import type { AuditRepo } from '../db/audit-repo';
import type { SettingsRepo } from '../db/settings-repo';
import type { Logger } from '../log';
import type { TwinModel, UploadedFiles } from '../model';
import { ensureModelMetrics } from '../metrics/model-metrics';
import type { Scorer } from '../twin/scorer';
import type { Point } from '../twin/types';
import { Activation } from './activation';
import type { AbConfig } from './ab-split';
import { AbStats } from './ab-stats';
import { AbTest, type AbTotals } from './ab-test';
import { DegradedMode } from './degraded-mode';
import type { DriftReport } from './drift';
import { DriftWatch, type DriftPeers } from './drift-watch';
import type { DriftSums } from './drift-summary';
import type { PackageVault } from './version-registry';
import { modelAudit } from './model-audit';
import { createPredictionCache, servingModel, type ServingDeps } from './model-serving';
import { uploadModel, type ModelUploadDeps } from './model-upload';
import { servingScorer } from './serving-scorer';
import { ServingSettings } from './serving-settings';
import { applyStoredChoice, type StoredChoiceDeps } from './stored-choice';
import {
  ModelNotFoundError,
  refKey,
  type AbView,
  type Actor,
  type DriftEvent,
  type ModelRef,
  type ModelVersionInfo,
} from './serving-types';
import { VersionRegistry } from './version-registry';

export type { AbView, Actor, DriftEvent, ModelRef, ModelVersionInfo } from './serving-types';
export type { AbTotals } from './ab-test';
export { ModelConflictError, ModelNotFoundError } from './serving-types';
export { RETRY_MS } from './degraded-mode';

export interface ModelManagerDeps {
  config: Config;
  logger: Logger;
  settings: SettingsRepo;
  audit: AuditRepo;
  /** Tells every console (socket.io `model:changed`). */
  broadcast(model: ModelRef | null, opts?: { local?: boolean }): void;
  /** Clustered: uploaded packages kept in the database for every instance (else files only). */
  packages?: PackageVault;
  /** Test seam for the A/B split. */
  random?: () => number;
  retryMs?: number;
}

export class ModelManager {
  /** Figures of the serving versions, side by side (the A/B test's). */
  readonly stats = new AbStats();
  private readonly activation: Activation;
  private readonly registry: VersionRegistry;
  private readonly abTest: AbTest;
  private readonly driftWatch: DriftWatch;
  private readonly degraded: DegradedMode;
  private readonly uploads: ModelUploadDeps;
  private readonly serving: ServingDeps;
  private readonly facade: TwinModel;
  private readonly storedChoice: StoredChoiceDeps;
  private closed = false;

  constructor(deps: ModelManagerDeps) {
    const log = deps.logger.child({ module: 'models' });
    const settings = new ServingSettings(deps.settings, log);
    const audit = modelAudit(deps.audit, log);
    const registry = new VersionRegistry(deps.config, audit, deps.packages ?? null, log);
    const activation = new Activation({ registry, settings, audit, broadcast: deps.broadcast, log });
    this.registry = registry;
    this.activation = activation;
    this.abTest = new AbTest({ activation, registry, settings, audit, stats: this.stats, log });
    this.degraded = new DegradedMode({
      config: deps.config,
      activation,
      registry,
      settings,
      log,
      retryMs: deps.retryMs,
    });
    this.driftWatch = new DriftWatch({
      threshold: deps.config.DRIFT_PSI_THRESHOLD,
      features: () => activation.state.champion?.model.manifest.features ?? null,
      modelKey: () => activation.state.champion?.key ?? null,
      log,
    });
    this.uploads = { config: deps.config, activation, registry, settings, audit, log };
    this.storedChoice = { activation, registry, settings, abTest: this.abTest, stats: this.stats, log };
    this.serving = {
      state: () => activation.state,
      problem: () => activation.problemText,
      stats: this.stats,
      cache: createPredictionCache(deps.config.PREDICTION_CACHE_SIZE),
      onRun: (entry, err) => this.degraded.onRun(entry, err),
      random: deps.random,
    };
    this.facade = servingModel(this.serving);
    ensureModelMetrics();
  }

  /** Loads the chosen version (or starts degraded) and restores the A/B test; never throws. */
  async start(): Promise<void> {
    await this.activation.exclusive(async () => {
      await this.degraded.recover();
      if (this.activation.state.champion) await this.abTest.restore();
    });
    this.degraded.start();
    this.driftWatch.start();
  }

  // --- what the rest of the console reads --------------------------------------------------------

  /** The pipeline's scorer for one batch, or null while degraded. */
  scorer(): Scorer | null {
    return servingScorer(this.serving);
  }

  /** The API's model (routes every call to the serving version), or null while degraded. */
  model(): TwinModel | null {
    return this.activation.state.champion ? this.facade : null;
  }

  problem(): string | null {
    return this.activation.state.champion ? null : this.activation.problemText;
  }

  active(): ModelRef | null {
    return this.activation.active();
  }

  /** Every package (shipped and uploaded) with what serves it. */
  list(): Promise<ModelVersionInfo[]> {
    const { champion, challenger } = this.activation.state;
    return this.registry.list({ champion: champion?.key, challenger: challenger?.entry.key });
  }

  /** Feeds a pipeline point to the drift monitor and the A/B figures. */
  observePoint(point: Point, assetId?: string): void {
    this.driftWatch.observe(point.values, assetId);
    if (point.prediction !== null && point.modelVersion)
      // The latency was recorded per model call by the scorer (a tick scores every asset at once).
      this.stats.record(point.modelVersion, point.prediction, null, point.actual);
  }

  /** Drift of the serving model's features, or null while degraded. */
  drift(): DriftReport | null {
    return this.driftWatch.report();
  }

  /** Calls `listener` with every drift check's report (every 5 s while a model serves), for the alert engine. Returns the unsubscribe. */
  onDriftCheck(listener: (report: DriftReport, at: number) => void): () => void {
    return this.driftWatch.checks.add(listener);
  }

  /** Calls `listener` when a feature starts or stops drifting. Returns the unsubscribe. */
  onDrift(listener: (e: DriftEvent) => void): () => void {
    return this.driftWatch.events.add(listener);
  }

  /** Calls `listener` after the serving version changed (null: degraded), like `model:changed`. Returns the unsubscribe. */
  onModelChange(listener: (model: ModelRef | null) => void): () => void {
    return this.activation.changes.add(listener);
  }

  ab(): AbView {
    return this.abTest.view();
  }

  // --- across instances (lib/cluster/serving-sync.ts, ab-figures.ts) ------------------------------

  /**
   * Calls `listener` after an admin action stored a new serving choice (`model.active`,
   * `model.ab`): activation, promotion, A/B start and stop. Returns the unsubscribe.
   */
  onChoiceStored(listener: () => void): () => void {
    return this.activation.stored.add(listener);
  }

  /** Serves what the settings say (another instance changed them; the database is the truth). */
  async reloadChoice(): Promise<void> {
    if (!this.closed) await applyStoredChoice(this.storedChoice);
  }

  /** This instance's A/B totals, tagged with the test they belong to. */
  abTotals(): AbTotals {
    return this.abTest.totals();
  }

  /** This instance's drift window as sums (the assets it owns), for the other instances. */
  driftSums(): DriftSums | null {
    return this.driftWatch.sums();
  }

  /** Clustered: drift counts the assets owned here, and the others' sums of the same model join ours. */
  shareDrift(peers: DriftPeers | null): void {
    this.driftWatch.share(peers);
  }

  /** Where the other instances' totals come from; their figures of the same test join ours. */
  setPeerAbTotals(source: () => AbTotals[]): void {
    this.abTest.peers = source;
  }

  /**
   * A registered version loaded on a session of its own, apart from the serving ones (backtests);
   * the caller disposes it. ModelNotFoundError when there is no such package.
   */
  loadVersion(ref: ModelRef): Promise<TwinModel> {
    return this.registry.load(ref);
  }

  // --- admin actions (see the parts for what each does) ------------------------------------------

  /** Checks and stores an uploaded package; while degraded it is activated at once. */
  async upload(files: UploadedFiles, actor: Actor): Promise<ModelVersionInfo> {
    const ref = await uploadModel(this.uploads, files, actor);
    const info = (await this.list()).find((v) => refKey(v) === refKey(ref));
    if (!info) throw new ModelNotFoundError(ref);
    return info;
  }

  /** Makes `ref` the serving version (hot swap, persisted); the A/B challenger is promoted. */
  activate(ref: ModelRef, actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    return this.activation.activate(ref, actor);
  }

  /** Starts an A/B test (split or shadow) of `config`'s version against the serving one. */
  startAb(config: AbConfig, actor: Actor): Promise<AbView> {
    return this.abTest.start(config, actor);
  }

  /** Ends the A/B test; everything goes to the serving version again. */
  stopAb(actor: Actor): Promise<AbView> {
    return this.abTest.stop(actor);
  }

  /** Makes the challenger the serving version (persisted) and ends the test. */
  promote(actor: Actor): Promise<{ changed: boolean; model: ModelRef }> {
    return this.abTest.promote(actor);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.degraded.stop();
    this.driftWatch.stop();
    await this.activation.close('the console is shutting down');
  }
}
