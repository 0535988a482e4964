/**
 * What the band means, in the words the UI shows: a calibrated interval says its coverage
 * ("90 % prediction interval"); the trees' percentile band of older packages says that it is the
 * trees' spread and promises nothing about where measured values fall.
 */
import type { TwinManifest } from './manifest';

export interface BandInfo {
  /** E.g. "90 % prediction interval", "spread of trees (5th–95th percentile)". */
  label: string;
  /** Whether the band is a calibrated prediction interval. */
  calibrated: boolean;
  /** Nominal coverage (0-1) of a calibrated band. */
  coverage: number | null;
  /** Coverage measured on the package's test split, when recorded. */
  measuredCoverage: number | null;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/** "90 %" for 0.9, "97.5 %" for 0.975. */
export function percentText(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))} %`;
}

/** The band's description, or null for a model without one. */
export function bandInfo(interval: TwinManifest['interval']): BandInfo | null {
  if (interval.method === 'conformal') {
    return {
      label: `${percentText(interval.coverage)} prediction interval`,
      calibrated: true,
      coverage: interval.coverage,
      measuredCoverage: interval.measured?.coverage ?? null,
    };
  }
  if (interval.method === 'ensemble-percentile') {
    return {
      label: `spread of trees (${ordinal(interval.lower)}–${ordinal(interval.upper)} percentile, not a prediction interval)`,
      calibrated: false,
      coverage: null,
      measuredCoverage: null,
    };
  }
  return null;
}
