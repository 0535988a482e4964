/**
 * Plant-wide alert signals. Input drift is measured over the readings of every asset together
 * (one window per feature), so its alerts belong to no reactor: they go to the pseudo-asset
 * `plant`, signal `drift:<feature>`, value = the feature's PSI. Shared by the engine and the
 * browser (no server imports): the views label them "Plant · Temperature drift (PSI)".
 */

/** The pseudo-asset of plant-wide alerts; never a pipeline asset, so no dashboard shows it. */
export const PLANT_ASSET_ID = 'plant';
export const PLANT_ASSET_NAME = 'Plant';

const DRIFT_PREFIX = 'drift:';

/** The rule signal of one feature's drift (its PSI). */
export function driftSignal(feature: string): string {
  return `${DRIFT_PREFIX}${feature}`;
}

/** The feature a drift signal watches, or null for any other signal. */
export function driftFeatureOf(signal: string): string | null {
  return signal.startsWith(DRIFT_PREFIX) && signal.length > DRIFT_PREFIX.length
    ? signal.slice(DRIFT_PREFIX.length)
    : null;
}

/** "Temperature drift (PSI)" from the feature's label (or its name when no label is known). */
export function driftLabel(featureLabel: string): string {
  return `${featureLabel.charAt(0).toUpperCase()}${featureLabel.slice(1)} drift (PSI)`;
}

/**
 * Per asset: seconds since its source last sent a reading (fed by the source monitor), so a stale
 * or dead source raises an alert through the same engine. Never a model input.
 */
export const SOURCE_STALE_SIGNAL = 'source:stale';
export const SOURCE_STALE_LABEL = 'Seconds without data';
export const SOURCE_STALE_UNIT = 's';
