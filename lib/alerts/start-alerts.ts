/**
 * Builds and starts the alert engine for the console process: repository, socket broadcast,
 * optional webhook, default rules for the live catalog (and the plant's drift), open alerts
 * reloaded. With the model manager it also follows the model: every drift check's PSI goes into
 * the engine, and a newly activated model's signals get their default rules at once.
 */
import type { Config } from '../config/env';
import type { NewRule } from '../db/alerts-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { Repositories } from '../db/repositories';
import type { Logger } from '../log';
import { alertsHub } from '../realtime/alerts-hub';
import type { RealtimeServer } from '../realtime/server';
import type { ModelManager } from '../serving/model-manager';
import type { TwinService } from '../twin/twin-service';
import { AlertService, defaultRules } from './alert-service';
import { defaultDriftRules, feedDrift } from './drift-alerts';
import { defaultStaleRules } from './source-alerts';
import { staleLimitSeconds } from '../twin/start-sources';
import { registerAlertMetrics } from './metrics';
import { WebhookNotifier } from './webhook';

export interface StartAlertsDeps {
  config: Config;
  repos: Pick<Repositories, 'alerts' | 'settings'>;
  audit: AuditRepo;
  io: RealtimeServer;
  twin: TwinService;
  targetLimits: { low: number; high: number } | null;
  /** The model lifecycle: drift checks and model changes (absent: limits from `targetLimits`, no drift alerts fed). */
  models?: Pick<ModelManager, 'scorer' | 'onDriftCheck' | 'onModelChange'>;
  logger: Logger;
}

/** Every default rule for what serves now: sensors and prediction per asset, drift per feature. */
export function currentDefaults(deps: Pick<StartAlertsDeps, 'config' | 'twin' | 'targetLimits' | 'models'>): NewRule[] {
  const catalog = deps.twin.catalog();
  const limits = deps.models ? (deps.models.scorer()?.targetLimits ?? deps.targetLimits) : deps.targetLimits;
  // The simulated reactors hold their setpoints, a far narrower spread than the shipped model's
  // training sweep (PSI 4-5 per input): drift rules would raise at every start of the demo plant
  // and stay open. They are seeded disabled then (one click in the rules editor enables them).
  const driftOn = deps.config.SIMULATOR !== 'on';
  return [
    ...defaultRules(
      catalog.assets.map((a) => a.id),
      catalog.signals,
      limits,
    ),
    ...defaultDriftRules(catalog.signals, deps.config.DRIFT_PSI_THRESHOLD, driftOn),
    ...defaultStaleRules(
      catalog.assets.map((a) => a.id),
      () => staleLimitSeconds(deps.config),
    ),
  ];
}

export async function startAlerts(deps: StartAlertsDeps): Promise<AlertService> {
  registerAlertMetrics();
  const notifier = deps.config.ALERT_WEBHOOK_URL
    ? new WebhookNotifier({
        url: deps.config.ALERT_WEBHOOK_URL,
        timeoutMs: deps.config.ALERT_WEBHOOK_TIMEOUT_MS,
        logger: deps.logger,
      })
    : null;
  const service = new AlertService({
    repo: deps.repos.alerts,
    audit: deps.audit,
    broadcaster: alertsHub(deps.io),
    notifier,
    settings: deps.repos.settings,
    logger: deps.logger,
  });
  await service.start(currentDefaults(deps));
  // Timed alarm shelves run out on the engine's clock.
  service.startClock();
  if (deps.models) {
    deps.models.onDriftCheck((report, at) => feedDrift(service, report, at));
    deps.models.onModelChange((model) => {
      if (!model) return;
      service
        .addDefaults(currentDefaults(deps))
        .catch((err: unknown) =>
          deps.logger.error({ err, model }, 'could not add default alert rules for the new model'),
        );
    });
  }
  return service;
}
