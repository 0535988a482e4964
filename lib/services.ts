/**
 * The process's shared services, built once by `server.ts` (or a test) and reached from route
 * handlers through `globalThis`: Next bundles route handlers apart from the custom server, so a
 * module-level singleton would be a second, empty copy there.
 */
import type { Config } from './config/env';
import type { MetricSources } from './metrics/services-probe';
import { readServicesSlot, writeServicesSlot } from './services-slot';
import type { AuditRepo } from './db/audit-repo';
import type { Database } from './db/client';
import type { UsersRepo } from './db/users-repo';
import type { LoginService } from './auth/login';
import type { UserAdmin } from './auth/user-admin';
import type { TwinService } from './twin/twin-service';
import type { AlertService } from './alerts/alert-service';
import type { ModelManager } from './serving/model-manager';
import type { Backtests } from './serving/backtest';
import type { SourceMonitor } from './twin/source-monitor';
import type { IngestStatus } from './ingest/ingest-status';
import type { MqttIngest } from './ingest/mqtt/mqtt-ingest';
import type { AnnotationService } from './annotations/annotation-service';

export interface Services {
  config: Config;
  authSecret: string;
  database: Database;
  users: UsersRepo;
  audit: AuditRepo;
  login: LoginService;
  startedAt: Date;
  version: string;
  /** The live twin; null only during start-up. */
  twin: TwinService | null;
  /** The alert engine; absent until it has started. */
  alerts?: AlertService | null;
  /** Model versions, activation, A/B test, drift; null only during start-up. */
  models?: ModelManager | null;
  /** Backtests of registered model versions on stored history (admin). */
  backtests?: Backtests;
  /** Stale / offline detection of each asset's source; `markOffline` for protocol adapters (Sparkplug deaths). */
  sources?: SourceMonitor | null;
  /** User and API-key administration (admin API, own password); set once socket.io is up. */
  admin?: UserAdmin;
  /** Ingest refusals per asset and the plant connection's state (admin: GET /api/v1/ingest/status). */
  ingestStatus?: IngestStatus;
  /** The MQTT plant connection; null when MQTT_URL is not set. */
  plant?: MqttIngest | null;
  /** Notes on the trends (issue 18); set once socket.io is up (changes are broadcast). */
  annotations?: AnnotationService;
}

/** The live twin, or an error when the process is still starting. */
export function getTwin(): TwinService {
  const twin = getServices().twin;
  if (!twin) throw new ServicesNotReadyError();
  return twin;
}

/** The administration service of the running console. */
export function userAdmin(): UserAdmin {
  const admin = getServices().admin;
  if (!admin) throw new ServicesNotReadyError();
  return admin;
}

export function setServices(services: Services | undefined): void {
  writeServicesSlot(services);
}

/** The running services; throws when the process was not started through `server.ts`. */
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

export class ServicesNotReadyError extends Error {
  constructor() {
    super('twinops services are not started (run the console with server.ts)');
    this.name = 'ServicesNotReadyError';
  }
}
