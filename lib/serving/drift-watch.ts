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
import { Listeners } from './listeners';
import type { DriftEvent } from './serving-types';

const DRIFT_CHECK_MS = 5_000;

export interface DriftWatchDeps {
  /** PSI above which a feature drifts (DRIFT_PSI_THRESHOLD). */
  threshold: number;
  /** The serving model's features, or null while degraded (no check then). */
  features(): readonly FeatureManifest[] | null;
  log: Logger;
}

export class DriftWatch {
  readonly monitor: DriftMonitor;
  /** Every drift check's report, with its time. */
  readonly checks: Listeners<[DriftReport, number]>;
  /** A feature started or stopped drifting. */
  readonly events: Listeners<[DriftEvent]>;
  private readonly drifting = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

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

  observe(values: Record<string, number>): void {
    this.monitor.observe(values);
  }

  /** Drift of the serving model's features, or null while degraded. */
  report(): DriftReport | null {
    const features = this.deps.features();
    return features ? this.monitor.report(features) : null;
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
