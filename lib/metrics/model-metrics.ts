/**
 * Metrics of the model lifecycle, on the process registry (lib/metrics): prediction cache hits
 * and misses, per-feature drift gauges (read from the live monitor at scrape time) and drift
 * alerts. Registered once per registry even when this module is loaded twice (Next's bundle and
 * the server's): the parts live on the published metrics object.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metricsPart } from './index';
import { metricSources } from './services-probe';

interface ModelMetrics {
  cacheHits: Counter;
  cacheMisses: Counter;
  driftAlerts: Counter<'feature'>;
}

function build(registry: Registry): ModelMetrics {
  const cacheHits = new Counter({
    name: 'twinops_prediction_cache_hits_total',
    help: 'API predictions answered from the prediction cache',
    registers: [registry],
  });
  const cacheMisses = new Counter({
    name: 'twinops_prediction_cache_misses_total',
    help: 'API predictions the prediction cache did not hold (scored by the model)',
    registers: [registry],
  });
  const driftAlerts = new Counter({
    name: 'twinops_drift_alerts_total',
    help: 'Times a feature’s PSI went above DRIFT_PSI_THRESHOLD',
    labelNames: ['feature'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'twinops_drift_psi',
    help: 'Population stability index of each feature’s live window against its training distribution',
    labelNames: ['feature'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of metricSources()?.models?.drift()?.features ?? [])
        if (f.psi !== null) this.set({ feature: f.name }, f.psi);
    },
  });
  new Gauge({
    name: 'twinops_drift_out_of_range_ratio',
    help: 'Share of each feature’s live window outside its valid range',
    labelNames: ['feature'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of metricSources()?.models?.drift()?.features ?? [])
        if (f.outOfRangeRate !== null) this.set({ feature: f.name }, f.outOfRangeRate);
    },
  });
  return { cacheHits, cacheMisses, driftAlerts };
}

function modelMetrics(): ModelMetrics {
  return metricsPart('model', build);
}

export function recordCacheLookup(hit: boolean): void {
  const m = modelMetrics();
  (hit ? m.cacheHits : m.cacheMisses).inc();
}

export function recordDriftAlert(feature: string): void {
  modelMetrics().driftAlerts.inc({ feature });
}

/** Registers the gauges now (so they are scraped before the first cache lookup or alert). */
export function ensureModelMetrics(): void {
  modelMetrics();
}
