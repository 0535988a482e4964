/**
 * Builds the plant connection from the configuration: the MQTT client with the JSON telemetry
 * handler and, for the configured groups, the Sparkplug B handler. Off (null) without MQTT_URL.
 */
import type { Config } from '../../config/env';
import type { Logger } from '../../log';
import type { IngestStatus } from '../ingest-status';
import { jsonTelemetryHandler, type IngestTarget } from './json-handler';
import { startMqttIngest, type MqttIngest, type MqttIngestOptions, type TopicHandler } from './mqtt-ingest';
import { sparkplugHandler, type SparkplugHandler, type SparkplugResolver } from '../sparkplug/sparkplug-handler';

export type PlantConfig = Pick<
  Config,
  | 'MQTT_URL'
  | 'MQTT_TOPIC_PREFIX'
  | 'MQTT_CLIENT_ID'
  | 'MQTT_USERNAME'
  | 'MQTT_PASSWORD'
  | 'MQTT_CA_FILE'
  | 'MQTT_SESSION_EXPIRY_SECONDS'
  | 'SPARKPLUG_GROUPS'
  | 'MAX_INGEST_BATCH'
>;

/** The broker connection and, when SPARKPLUG_GROUPS is set, its Sparkplug B handler (rebinding). */
export type PlantConnection = MqttIngest & { sparkplug: SparkplugHandler | null };

export function startPlantConnection(opts: {
  config: PlantConfig;
  target: IngestTarget;
  /** Which asset a Sparkplug device feeds (the asset registry's bindings). */
  sparkplugAsset: SparkplugResolver;
  status: IngestStatus;
  logger: Logger;
  backoff?: MqttIngestOptions['backoff'];
  /**
   * Clustered mode (issue 16): this instance's id and the cluster's share group (the same on
   * every instance). Each instance then has a client id of its own (`<MQTT_CLIENT_ID>-<instance>`
   * unless MQTT_CLIENT_ID already ends with the instance id: two sessions with one id would throw
   * each other off) and takes JSON topics through the shared subscription
   * `$share/<group>/...`, so each message goes to one instance; the asset's owner streams it.
   * Sparkplug topics stay unshared: a node's births, aliases and seq only make sense in one
   * place, so every instance follows every node, and the idempotent store keeps each reading once.
   */
  shareAs?: { instanceId: string; group: string };
}): PlantConnection | null {
  const { config, target, status, logger } = opts;
  if (!config.MQTT_URL) {
    if (config.SPARKPLUG_GROUPS.length)
      logger.warn(
        { groups: config.SPARKPLUG_GROUPS },
        'SPARKPLUG_GROUPS is set but MQTT_URL is not: no plant connection',
      );
    return null;
  }
  const json = jsonTelemetryHandler({
    prefix: config.MQTT_TOPIC_PREFIX,
    target,
    status,
    maxBatch: config.MAX_INGEST_BATCH,
  });
  const share = opts.shareAs;
  const group = share?.group.replace(/[/+#]/g, '_');
  const handlers: TopicHandler[] = [
    share ? { ...json, filters: json.filters.map((f) => `$share/${group}/${f}`) } : json,
  ];
  // Late-bound: the handler exists before the connection it answers on.
  let connection: MqttIngest | null = null;
  const sparkplug = config.SPARKPLUG_GROUPS.length
    ? sparkplugHandler({
        groups: config.SPARKPLUG_GROUPS,
        resolve: opts.sparkplugAsset,
        target,
        status,
        publish: (topic, payload) => connection?.publish(topic, payload),
      })
    : null;
  if (sparkplug) handlers.push(sparkplug);
  connection = startMqttIngest({
    url: config.MQTT_URL,
    clientId:
      share && !config.MQTT_CLIENT_ID.endsWith(share.instanceId)
        ? `${config.MQTT_CLIENT_ID}-${share.instanceId}`.slice(0, 128)
        : config.MQTT_CLIENT_ID,
    ...(config.MQTT_USERNAME !== undefined ? { username: config.MQTT_USERNAME } : {}),
    ...(config.MQTT_PASSWORD !== undefined ? { password: config.MQTT_PASSWORD } : {}),
    ...(config.MQTT_CA_FILE !== undefined ? { caFile: config.MQTT_CA_FILE } : {}),
    sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_SECONDS,
    handlers,
    status,
    logger,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
  });
  return Object.assign(connection, { sparkplug });
}
