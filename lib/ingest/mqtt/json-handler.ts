/**
 * The JSON telemetry topics as a TopicHandler: decode, refuse (counted, acknowledged) or ingest
 * durably and acknowledge after the commit.
 */
import type { IngestStatus } from '../ingest-status';
import type { Reading } from '../../twin/types';
import type { SignalMap } from '../../assets/signal-map';
import { assetOfTopic, decodeJsonTelemetry } from './json-telemetry';
import { PUBACK_BAD_PAYLOAD, PUBACK_REFUSED, type Outcome, type TopicHandler } from './mqtt-ingest';

/** The part of the twin the plant connection uses. */
export interface IngestTarget {
  hasAsset(assetId: string): boolean;
  /** The signals a reading must carry (the serving model's features). */
  features(): string[];
  /** The asset's signals as the registry maps them (tags, conversion, extras); absent: features by name. */
  signals?(assetId: string): SignalMap | undefined;
  /** Resolves after the commit; rejects (NotStoredError) when the readings were not stored. */
  ingest(readings: Reading[]): Promise<unknown>;
}

export function jsonTelemetryHandler(opts: {
  prefix: string;
  target: IngestTarget;
  status: IngestStatus;
  maxBatch: number;
}): TopicHandler {
  const { prefix, target, status } = opts;
  return {
    filters: [`${prefix}/+/telemetry`],
    accepts: (topic) => topic.startsWith(`${prefix}/`),
    async handle(topic, payload): Promise<Outcome> {
      const assetId = assetOfTopic(prefix, topic);
      if (assetId === null) {
        status.reject({
          source: 'mqtt',
          reason: 'bad_topic',
          message: `expected ${prefix}/<assetId>/telemetry`,
          topic,
        });
        return { ack: true, reasonCode: PUBACK_REFUSED };
      }
      if (!target.hasAsset(assetId)) {
        status.reject({
          source: 'mqtt',
          reason: 'unknown_asset',
          message: `unknown asset "${assetId}"`,
          topic,
          assetId,
        });
        return { ack: true, reasonCode: PUBACK_REFUSED };
      }
      const decoded = decodeJsonTelemetry(
        assetId,
        payload,
        target.signals?.(assetId) ?? target.features(),
        opts.maxBatch,
      );
      if ('refused' in decoded) {
        status.reject({ source: 'mqtt', ...decoded.refused, topic, assetId });
        return { ack: true, reasonCode: PUBACK_BAD_PAYLOAD };
      }
      try {
        await target.ingest(decoded.readings);
      } catch (error) {
        return { ack: false, error };
      }
      status.accepted(assetId, 'mqtt');
      return { ack: true };
    },
  };
}
