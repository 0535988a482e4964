/**
 * Alert metrics, registered on the process's one registry (lib/metrics): open alerts by
 * severity (read from the engine at scrape time), alerts raised, webhook outcomes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metricsPart } from '../metrics';
import { metricSources } from '../metrics/services-probe';

interface AlertMetrics {
  raised: Counter<'severity'>;
  webhook: Counter<'outcome'>;
}

function build(registry: Registry): AlertMetrics {
  new Gauge({
    name: 'twinops_alerts_open',
    help: 'Open alerts (active or acknowledged) by severity',
    labelNames: ['severity'] as const,
    registers: [registry],
    collect() {
      const counts = metricSources()?.alerts?.openCounts() ?? { warning: 0, critical: 0 };
      for (const [severity, n] of Object.entries(counts)) this.set({ severity }, n);
    },
  });
  return {
    raised: new Counter({
      name: 'twinops_alerts_raised_total',
      help: 'Alerts raised, by severity',
      labelNames: ['severity'] as const,
      registers: [registry],
    }),
    webhook: new Counter({
      name: 'twinops_alert_webhook_total',
      help: 'Alert webhook outcomes: delivered, attempt_failed (will retry or give up), failed (gave up), dropped (queue full)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

function metrics(): AlertMetrics {
  return metricsPart('alerts', build);
}

export function recordAlertRaised(severity: string): void {
  metrics().raised.inc({ severity });
}

export function recordWebhook(outcome: 'delivered' | 'attempt_failed' | 'failed' | 'dropped'): void {
  metrics().webhook.inc({ outcome });
}

/** Registers the gauges now, so a scrape shows zeros before the first alert. */
export function registerAlertMetrics(): void {
  metrics();
}
