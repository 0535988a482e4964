/**
 * Stale and offline sources as alerts: the source monitor feeds each asset's seconds without data
 * into the engine as its `source:stale` pseudo-signal; the default rule raises above the stale
 * limit (STALE_AFTER_INTERVALS x the expected interval) at once, and fresh data (0 s) clears it.
 */
import type { NewRule } from '../db/alerts-repo';
import type { AlertService } from './alert-service';
import { SOURCE_STALE_SIGNAL } from './plant-signals';

/** One rule per asset: a warning (no process upset by itself, but the view is blind) above `limitSeconds`. */
export function defaultStaleRules(assetIds: readonly string[], limitSeconds: (assetId: string) => number): NewRule[] {
  return assetIds.map((assetId) => ({
    enabled: true,
    assetId,
    signal: SOURCE_STALE_SIGNAL,
    severity: 'warning' as const,
    low: null,
    high: Math.round(limitSeconds(assetId) * 1000) / 1000,
    deadband: 0,
    minDurationMs: 0,
  }));
}

/** The monitor's `onAge`: one value of the pseudo-signal. */
export function feedSourceAge(alerts: Pick<AlertService, 'onSignal'>, assetId: string, ageSeconds: number, at: number) {
  alerts.onSignal(assetId, SOURCE_STALE_SIGNAL, ageSeconds, at);
}
