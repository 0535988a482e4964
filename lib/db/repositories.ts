/**
 * Every repository of the console, built once over one database (the composition root does it).
 * Code outside lib/db takes its repositories from here, through the services, and never sees
 * the drizzle handle.
 */
import { alarmKpisRepo, type AlarmKpisRepo } from './alarm-kpis-repo';
import { alertsRepo, type AlertsRepo } from './alerts-repo';
import { annotationsRepo, type AnnotationsRepo } from './annotations-repo';
import { apiKeysRepo, type ApiKeysRepo } from './api-keys-repo';
import { assetsRepo, type AssetsRepo } from './assets-repo';
import { auditRepo, type AuditRepo } from './audit-repo';
import { backtestsRepo, type BacktestsRepo } from './backtests-repo';
import type { AuthChanges } from './auth-changes';
import type { Database } from './client';
import { revokedSessionsRepo, type RevokedSessionsRepo } from './revoked-sessions-repo';
import { modelPackagesRepo, type ModelPackagesRepo } from './model-packages-repo';
import { settingsRepo, type SettingsRepo } from './settings-repo';
import { telemetryHistoryRepo, type TelemetryHistoryRepo } from './telemetry-history-repo';
import { telemetryPartitions, type TelemetryPartitions } from './telemetry-partitions';
import { telemetryRepo, type TelemetryRepo } from './telemetry-repo';
import { usersRepo, type UsersRepo } from './users-repo';

export interface Repositories {
  users: UsersRepo;
  apiKeys: ApiKeysRepo;
  audit: AuditRepo;
  /** Logged-out sessions, kept until they would have expired (lib/auth/revocation.ts). */
  revokedSessions: RevokedSessionsRepo;
  settings: SettingsRepo;
  /** Writes of live telemetry (batches, durable ingest) and the newest reading per asset. */
  telemetry: TelemetryRepo;
  /** Reads of stored telemetry: history, CSV export, backtests. */
  history: TelemetryHistoryRepo;
  /** The telemetry table's day partitions: made ahead, dropped by retention. */
  partitions: TelemetryPartitions;
  alerts: AlertsRepo;
  /** Alarm KPIs computed by the database over the journal. */
  alarmKpis: AlarmKpisRepo;
  annotations: AnnotationsRepo;
  /** Backtest jobs of model versions: progress, figures, cancel (issue 19). */
  backtests: BacktestsRepo;
  /** The asset registry's storage (issue 15). */
  assets: AssetsRepo;
  /** Uploaded model packages kept for every instance (clustered mode, issue 16). */
  modelPackages: ModelPackagesRepo;
}

/** The repositories over `database`; `authChanges` is bumped by user and key changes that affect access. */
export function createRepositories(database: Database, authChanges: AuthChanges): Repositories {
  const { db } = database;
  return {
    users: usersRepo(db, authChanges),
    apiKeys: apiKeysRepo(db, authChanges),
    audit: auditRepo(db),
    revokedSessions: revokedSessionsRepo(db),
    settings: settingsRepo(db),
    telemetry: telemetryRepo(db),
    history: telemetryHistoryRepo(db),
    partitions: telemetryPartitions(db),
    alerts: alertsRepo(db),
    alarmKpis: alarmKpisRepo(db),
    annotations: annotationsRepo(db),
    backtests: backtestsRepo(db),
    assets: assetsRepo(db),
    modelPackages: modelPackagesRepo(db),
  };
}
