/**
 * Builds and starts the alert engine for the console process: repository, socket broadcast,
 * optional webhook, default rules for the live catalog, open alerts reloaded.
 */
import type { Config } from '../config/env';
import { alertsRepo } from '../db/alerts-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { Database } from '../db/client';
import type { Logger } from '../log';
import { alertsHub } from '../realtime/alerts-hub';
import type { RealtimeServer } from '../realtime/server';
import type { TwinService } from '../twin/twin-service';
import { AlertService, defaultRules } from './alert-service';
import { registerAlertMetrics } from './metrics';
import { WebhookNotifier } from './webhook';

export interface StartAlertsDeps {
  config: Config;
  database: Database;
  audit: AuditRepo;
  io: RealtimeServer;
  twin: TwinService;
  targetLimits: { low: number; high: number } | null;
  logger: Logger;
}

export async function startAlerts(deps: StartAlertsDeps): Promise<AlertService> {
  registerAlertMetrics();
  const notifier = deps.config.ALERT_WEBHOOK_URL ? new WebhookNotifier({ url: deps.config.ALERT_WEBHOOK_URL, timeoutMs: deps.config.ALERT_WEBHOOK_TIMEOUT_MS, logger: deps.logger }) : null;
  const service = new AlertService({ repo: alertsRepo(deps.database.db), audit: deps.audit, broadcaster: alertsHub(deps.io), notifier, logger: deps.logger });
  const catalog = deps.twin.catalog();
  await service.start(defaultRules(catalog.assets.map((a) => a.id), catalog.signals, deps.targetLimits));
  return service;
}
