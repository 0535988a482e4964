/**
 * The model serving choice and alarm rules follow the other instances: what an admin stores on
 * one instance (an activated version, an A/B test started or stopped, a rule edited, shelved,
 * taken out of service) is published, and every other instance reads it back from the database
 * through the same services. After a Redis outage everything is read again.
 */
import type { AlertService } from '../alerts/alert-service';
import type { Logger } from '../log';
import type { ModelManager } from '../serving/model-manager';
import type { ClusterEvents } from './events';

export interface ServingSyncDeps {
  events: ClusterEvents;
  models: Pick<ModelManager, 'onChoiceStored' | 'reloadChoice'>;
  alerts: Pick<AlertService, 'onRulesStored' | 'reload' | 'rules'> | null;
  logger: Logger;
}

/** Wires the model manager and the alarm engine to the other instances. */
export function syncServing(deps: ServingSyncDeps): void {
  const { events, models, alerts } = deps;
  const log = deps.logger.child({ module: 'serving-sync' });
  const reloadModels = () =>
    models.reloadChoice().catch((err: unknown) => log.warn({ err }, 'could not apply the serving choice'));
  models.onChoiceStored(() => events.publish({ type: 'model.serving-changed' }));
  events.on('model.serving-changed', reloadModels);
  events.onResync(reloadModels);
  if (!alerts) return;
  alerts.onRulesStored((change) =>
    events.publish(
      'ruleId' in change ? { type: 'alerts.rule-changed', ruleId: change.ruleId } : { type: 'alerts.service-changed' },
    ),
  );
  events.on('alerts.rule-changed', ({ ruleId }) => alerts.reload({ ruleId }));
  events.on('alerts.service-changed', () => alerts.reload({ service: true }));
  events.onResync(async () => {
    await alerts.reload({ service: true });
    for (const rule of alerts.rules()) await alerts.reload({ ruleId: rule.id });
  });
}
