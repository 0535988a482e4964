/**
 * Input drift as alerts: each drift check's PSI per feature goes into the alert engine as the
 * value of the plant's `drift:<feature>` signal, so drift gets what every alert gets (banner,
 * Alerts page, acknowledgement, webhook, audit, persistence, rules editor) instead of a log line.
 */
import type { NewRule } from '../db/alerts-repo';
import type { DriftReport } from '../serving/drift';
import type { AlertService } from './alert-service';
import { driftSignal, PLANT_ASSET_ID } from './plant-signals';

/** Drift is judged over a window of 1,000 readings; half a minute above keeps a burst from alerting. */
export const DRIFT_MIN_DURATION_MS = 30_000;

/**
 * Default drift rules, one per feature: PSI above `threshold` (DRIFT_PSI_THRESHOLD when seeded)
 * for 30 s raises a warning; it clears once the PSI is back under the threshold by a tenth of it.
 * Drift makes predictions less trustworthy but is not itself a process upset, hence warning.
 */
export function defaultDriftRules(features: readonly { name: string }[], threshold: number, enabled = true): NewRule[] {
  return features.map((f) => ({
    enabled,
    assetId: PLANT_ASSET_ID,
    signal: driftSignal(f.name),
    severity: 'warning' as const,
    low: null,
    high: threshold,
    deadband: Math.round(threshold * 0.1 * 1e6) / 1e6,
    minDurationMs: DRIFT_MIN_DURATION_MS,
  }));
}

/** Feeds one drift check into the engine: every feature with a PSI (enough readings) at `at`. */
export function feedDrift(alerts: Pick<AlertService, 'onSignal'>, report: DriftReport, at: number): void {
  for (const f of report.features) {
    if (f.psi !== null) alerts.onSignal(PLANT_ASSET_ID, driftSignal(f.name), f.psi, at);
  }
}
