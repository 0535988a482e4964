/**
 * What the gauges read of the running services, described here as a shape so that metrics
 * import no domain module (twin, alerts and models record into metrics: importing them back
 * made a 12-file cycle). lib/services.ts checks at compile time that `Services` fits.
 */
import { readServicesSlot } from '../services-slot';

export interface MetricSources {
  twin?: { pipeline: { stats: { points: number } } } | null;
  models?: {
    drift(): { features: { name: string; psi: number | null; outOfRangeRate: number | null }[] } | null;
  } | null;
  alerts?: { openCounts(): Record<string, number> } | null;
}

/** The running services' metric sources, or null when none are started (a scrape never throws for that). */
export function metricSources(): MetricSources | null {
  return readServicesSlot<MetricSources>() ?? null;
}
