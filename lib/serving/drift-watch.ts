/**
 * Watching the serving model's inputs for drift: every live reading feeds the drift monitor
 * (drift.ts computes the figures); every DRIFT_CHECK_MS the report goes to the check listeners
 * (the alert engine) and a feature that starts or stops drifting is logged, counted and told to
 * the drift listeners.
 */
import type { FeatureManifest } from '../model';
import type { Logger } from '../log';
import { recordDriftAlert } from '../metrics/model-metrics';
import { DriftMonitor, type DriftReport } from './drift';
import { mergedReport, type DriftSums } from './drift-summary';
import { Listeners } from './listeners';
import type { DriftEvent } from './serving-types';

const DRIFT_CHECK_MS = 5_000;

export interface DriftWatchDeps {
  /** PSI above which a feature drifts (DRIFT_PSI_THRESHOLD). */
  threshold: number;
  /** The serving model's features, or null while degraded (no check then). */
  features(): readonly FeatureManifest[] | null;
  /** The serving model's `name/version` (sums of other instances count only under the same one). */
  modelKey(): string | null;
  log: Logger;
}

/** Clustered: which readings this instance counts (the assets it owns now) and the others' sums. */
export interface DriftPeers {
  owns(assetId: string): boolean;
  peers(): DriftSums[];
}

export class DriftWatch {
  readonly monitor: DriftMonitor;
  /** Every drift check's report, with its time. */
  readonly checks: Listeners<[DriftReport, number]>;
  /** A feature started or stopped drifting. */
  readonly events: Listeners<[DriftEvent]>;
  private readonly drifting = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private shared: DriftPeers | null = null;

  constructor(private readonly deps: DriftWatchDeps) {
    this.monitor = new DriftMonitor({ threshold: deps.threshold });
    this.checks = new Listeners(deps.log, 'model');
    this.events = new Listeners(deps.log, 'drift');
  }

  start(): void {
    this.timer = setInterval(() => this.check(), DRIFT_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A scored reading's values; `assetId` tells whose (clustered: only owned assets count). */
  observe(values: Record<string, number>, assetId?: string): void {
    this.monitor.observe(values, assetId);
  }

  /** Clustered (lib/cluster/drift-figures.ts): count owned assets only and add the others' sums. */
  share(peers: DriftPeers | null): void {
    this.shared = peers;
  }

  /** This instance's window as sums (the assets it owns), for the other instances; null while degraded. */
  sums(): DriftSums | null {
    const features = this.deps.features();
    const model = this.deps.modelKey();
    if (!features || !model) return null;
    const shared = this.shared;
    // A reading of an asset owned elsewhere now (taken over) is that owner's to count.
    const counts = shared ? (assetId: string | undefined) => assetId !== undefined && shared.owns(assetId) : () => true;
    return { model, features: this.monitor.sums(features, counts) };
  }

  /**
   * Drift of the serving model's features, or null while degraded. Clustered, the figures of
   * every instance serving the same model: their windows added up (`window` is their sum).
   */
  report(): DriftReport | null {
    const features = this.deps.features();
    if (!features) return null;
    const mine = this.shared ? this.sums() : null;
    if (!this.shared || !mine) return this.monitor.report(features);
    const others = this.shared.peers().filter((p) => p.model === mine.model);
    return mergedReport(features, [mine.features, ...others.map((o) => o.features)], {
      threshold: this.deps.threshold,
      window: this.monitor.window * (1 + others.length),
      minSamples: this.monitor.minSamples,
    });
  }

  private check(): void {
    const report = this.report();
    if (!report) return;
    const { log } = this.deps;
    this.checks.emit(report, Date.now());
    for (const f of report.features) {
      if (f.psi === null) continue;
      const was = this.drifting.has(f.name);
      if (f.drifting === was) continue;
      if (f.drifting) {
        this.drifting.add(f.name);
        recordDriftAlert(f.name);
        log.warn(
          { feature: f.name, psi: f.psi, threshold: report.threshold, outOfRangeRate: f.outOfRangeRate },
          'input drift',
        );
      } else {
        this.drifting.delete(f.name);
        log.info({ feature: f.name, psi: f.psi }, 'input drift over');
      }
      this.events.emit({
        feature: f.name,
        label: f.label,
        state: f.drifting ? 'drifting' : 'stable',
        psi: f.psi,
        threshold: report.threshold,
        outOfRangeRate: f.outOfRangeRate,
        at: Date.now(),
      });
    }
  }
}
