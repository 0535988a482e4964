/**
 * The process's Prometheus metrics: one prom-client Registry. The composition root puts this
 * module's instance (`processMetrics()`) into the services, and every recording function below
 * records into the services' instance when one is published: Next bundles route handlers apart
 * from the custom server, with their own copy of this module, and both must count into the one
 * registry that `/api/metrics` serves. Gauges whose value lives elsewhere (sockets, pipeline
 * totals) are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { metricSources } from './services-probe';
import { readServicesSlot } from '../services-slot';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  predictions: Counter<'model_version'>;
  inferenceDuration: Histogram<'model_version'>;
  socketSource: { read: (() => number) | null };
  /** Answers of the reference service's `POST /predict`: its `request_id` and `total_requests`. */
  referencePredictions: { count: number; counter: Counter };
  ingestRejected: Counter<'source' | 'reason'>;
  /** Other modules' metrics on this registry (model lifecycle, alerts), each registered once. */
  parts: Map<string, unknown>;
}

function build(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'twinops_' });
  const socketSource: Metrics['socketSource'] = { read: null };
  const httpRequests = new Counter({
    name: 'twinops_http_requests_total',
    help: 'API requests by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'twinops_http_request_duration_seconds',
    help: 'API request latency by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const predictions = new Counter({
    name: 'twinops_predictions_total',
    help: 'Rows scored by the model, by model version',
    labelNames: ['model_version'] as const,
    registers: [registry],
  });
  const inferenceDuration = new Histogram({
    name: 'twinops_inference_duration_seconds',
    help: 'Model inference latency per call (one call may score many rows), by model version',
    labelNames: ['model_version'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  new Gauge({
    name: 'twinops_connected_sockets',
    help: 'socket.io clients connected now',
    registers: [registry],
    collect() {
      this.set(socketSource.read?.() ?? 0);
    },
  });
  // The pipeline keeps a running total; the counter follows it at scrape time, and points/s is the
  // rate between two scrapes (Prometheus users would rather take rate() of the counter).
  let lastPoints: number | null = null;
  let lastAt = 0;
  let lastRate = 0;
  const pointsTotal = new Counter({
    name: 'twinops_pipeline_points_total',
    help: 'Points produced by the pipeline since the process started',
    registers: [registry],
    collect() {
      const total = metricSources()?.twin?.pipeline.stats.points;
      if (total === undefined) return;
      const now = performance.now();
      if (lastPoints !== null && total >= lastPoints) {
        const dt = (now - lastAt) / 1000;
        if (dt > 0) lastRate = (total - lastPoints) / dt;
        pointsTotal.inc(total - lastPoints);
      } else {
        pointsTotal.reset();
        pointsTotal.inc(total);
      }
      lastPoints = total;
      lastAt = now;
    },
  });
  new Gauge({
    name: 'twinops_pipeline_points_per_second',
    help: 'Points per second produced by the pipeline between the last two scrapes',
    registers: [registry],
    collect() {
      this.set(lastRate);
    },
  });
  const referencePredictions = {
    count: 0,
    counter: new Counter({
      name: 'twinops_reference_predictions_total',
      help: "Predictions answered by the reference service's POST /predict",
      registers: [registry],
    }),
  };
  const ingestRejected = new Counter({
    name: 'twinops_ingest_rejected_total',
    help: 'Ingest messages or requests refused (nothing stored), by source (http, mqtt, sparkplug) and reason',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    predictions,
    inferenceDuration,
    socketSource,
    referencePredictions,
    ingestRejected,
    parts: new Map(),
  };
}

let local: Metrics | undefined;

/** This module's metrics (built on first use): what the composition root publishes in the services. */
export function processMetrics(): Metrics {
  return (local ??= build());
}

/** The published console's metrics; this module's own when none is published (unit tests, CLIs). */
function metrics(): Metrics {
  return readServicesSlot<{ metrics?: Metrics }>()?.metrics ?? processMetrics();
}

/** Another module's metrics on the one registry, built by `build` the first time `name` is asked for. */
export function metricsPart<T>(name: string, build: (registry: Registry) => T): T {
  const m = metrics();
  if (!m.parts.has(name)) m.parts.set(name, build(m.registry));
  return m.parts.get(name) as T;
}

/** The registry `/api/metrics` serves. */
export function metricsRegistry(): Registry {
  return metrics().registry;
}

/** One API request, by route template (`/api/v1/assets/:id/telemetry`), never by raw path. */
export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  const m = metrics();
  const labels = { method, route, status: String(status) };
  m.httpRequests.inc(labels);
  m.httpDuration.observe(labels, seconds);
}

/** `n` rows scored by model `version` in one inference call of `ms` milliseconds. */
export function recordPrediction(version: string, n: number, ms: number): void {
  const m = metrics();
  m.predictions.inc({ model_version: version }, n);
  m.inferenceDuration.observe({ model_version: version }, ms / 1000);
}

/** Counts one answered reference `POST /predict` and returns its number (the reference's `request_id`). */
export function countReferencePrediction(): number {
  const r = metrics().referencePredictions;
  r.counter.inc();
  return ++r.count;
}

/** Reference `POST /predict` answers since the process started (the reference's `total_requests`). */
export function referencePredictionCount(): number {
  return metrics().referencePredictions.count;
}

/** Where the connected-sockets gauge reads its value (the realtime server registers it at start). */
export function setConnectedSocketsSource(read: (() => number) | null): void {
  metrics().socketSource.read = read;
}

/** One refused ingest message (MQTT, Sparkplug) or request (HTTP 4xx); `reason` is a short code. */
export function recordIngestRejected(source: 'http' | 'mqtt' | 'sparkplug', reason: string): void {
  metrics().ingestRejected.inc({ source, reason });
}
