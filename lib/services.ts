/**
 * The process's shared services, built once by `server.ts` (or a test) and reached from route
 * handlers through `globalThis`: Next bundles route handlers apart from the custom server, so a
 * module-level singleton would be a second, empty copy there.
 */
import type { SharedCluster } from './cluster/start-shared';
import type { Config } from './config/env';
import { DomainError } from './errors/domain-error';
import type { MetricSources } from './metrics/services-probe';
import { readServicesSlot, writeServicesSlot } from './services-slot';
import type { AuditRepo } from './db/audit-repo';
import type { DatabaseProbe } from './db/client';
import type { UsersRepo } from './db/users-repo';
import type { Repositories } from './db/repositories';
import type { AuthState } from './auth/auth-state';
import type { Metrics } from './metrics';
import type { LoginService } from './auth/login';
import type { UserAdmin } from './auth/user-admin';
import type { TwinService } from './twin/twin-service';
import type { AlertService } from './alerts/alert-service';
import type { ModelManager } from './serving/model-manager';
import type { Backtests } from './serving/backtest';
import type { SourceMonitor } from './twin/source-monitor';
import type { IngestStatus } from './ingest/ingest-status';
import type { PlantConnection } from './ingest/mqtt/plant-connection';
import type { AnnotationService } from './annotations/annotation-service';
import type { ClusterStatus } from './cluster/start-cluster';
import type { AssetRegistry } from './assets/asset-registry';

export interface Services {
  config: Config;
  authSecret: string;
  /** The database's kind and round trip, for health; the handle itself stays in lib/db (use `repos`). */
  database: DatabaseProbe;
  /** Every repository (built once over the database; no caller outside lib/db sees the drizzle handle). */
  repos: Repositories;
  /** `repos.users` and `repos.audit`, the two every part uses. */
  users: UsersRepo;
  audit: AuditRepo;
  /** What authentication remembers between requests: caches, logged-out sessions, rate limits. */
  auth: AuthState;
  /** The Prometheus registry and the recorders (lib/metrics). */
  metrics: Metrics;
  login: LoginService;
  startedAt: Date;
  version: string;
  /** The live twin: pipeline, buffers, durable ingest, the serving model. */
  twin: TwinService;
  /** The alert engine (ISA-18.2 alarms, rules, journal). */
  alerts: AlertService;
  /** Model versions, activation, A/B test, drift. */
  models: ModelManager;
  /** Backtests of registered model versions on stored history (admin). */
  backtests: Backtests;
  /** Stale / offline detection of each asset's source; `markOffline` for protocol adapters (Sparkplug deaths). */
  sources: SourceMonitor;
  /** User and API-key administration (admin API, own password). */
  admin: UserAdmin;
  /** Ingest refusals per asset and the plant connection's state (admin: GET /api/v1/ingest/status). */
  ingestStatus: IngestStatus;
  /** The MQTT plant connection; null when MQTT_URL is not set (configuration, not start-up). */
  plant: PlantConnection | null;
  /** Notes on the trends (issue 18). */
  annotations: AnnotationService;
  /** Clustered: Redis-backed events, shared limits, singleton jobs (lib/cluster); null in one process. */
  sharedCluster: SharedCluster | null;
  /** Scale-out (issue 16): this instance's id and owned assets (health). */
  cluster: { status(): ClusterStatus };
  /** The asset registry (issue 15): hierarchy, signals, tags; changes take effect at once. */
  assets: AssetRegistry;
}

export function setServices(services: Services | undefined): void {
  writeServicesSlot(services);
}

/**
 * The running services, complete (the composition root publishes them only once every part is
 * built). Throws `ServicesNotReadyError` (a 503 for the API) when none are published: a request
 * that races the start or the shutdown, or a route loaded without `server.ts`.
 */
export function getServices(): Services {
  const s = readServicesSlot<Services>();
  if (!s) throw new ServicesNotReadyError();
  return s;
}

/** The running services, or null when none are started. */
export function getServicesOrNull(): Services | null {
  return readServicesSlot<Services>() ?? null;
}

// The metrics read the slot by shape (lib/metrics/services-probe.ts): Services must fit it.
export const servicesFitMetricSources = (s: Services): MetricSources => s;

/** No services published: a 503 `starting` to an API client (lib/api/route.ts reads it by shape). */
export class ServicesNotReadyError extends DomainError {
  constructor() {
    super({
      status: 503,
      code: 'starting',
      message: 'twinops services are not started (run the console with server.ts)',
      publicMessage: 'The console is starting or stopping; retry in a moment',
      headers: { 'Retry-After': '1' },
    });
    this.name = 'ServicesNotReadyError';
  }
}
