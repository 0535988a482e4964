/**
 * The JSON telemetry topics as a TopicHandler: decode, refuse (counted, acknowledged at once) or
 * queue the readings for the group commit and acknowledge after it.
 */
import type { IngestStatus } from '../ingest-status';
import type { Reading } from '../../twin/types';
import type { SignalMap } from '../../assets/signal-map';
import { assetOfTopic, decodeJsonTelemetry } from './json-telemetry';
import { PUBACK_BAD_PAYLOAD, PUBACK_REFUSED, type Handled, type Outcome, type TopicHandler } from './mqtt-ingest';

/** The part of the twin the plant connection uses. */
export interface IngestTarget {
  hasAsset(assetId: string): boolean;
  /** The signals a reading must carry (the serving model's features). */
  features(): string[];
  /** The asset's signals as the registry maps them (tags, conversion, extras); absent: features by name. */
  signals?(assetId: string): SignalMap | undefined;
  /** Resolves after the commit; rejects (NotStoredError) when the readings were not stored. */
  ingest(readings: Reading[]): Promise<unknown>;
  /**
   * Resolves once the readings are queued for a commit, in call order; `committed` as `ingest`.
   * Absent: `ingest`, one commit per call.
   */
  submit?(readings: Reading[]): Promise<{ committed: Promise<unknown> }>;
}

/** The target's `submit`, or its `ingest` waited for whole (so order holds either way). */
export function submitOf(target: IngestTarget): (readings: Reading[]) => Promise<{ committed: Promise<unknown> }> {
  if (target.submit) return (readings) => target.submit!(readings);
  return async (readings) => {
    const result = await target.ingest(readings);
    return { committed: Promise.resolve(result) };
  };
}

/** Stored: PUBACK (and `onStored`); not stored: no PUBACK. */
export function afterCommit(committed: Promise<unknown>, onStored: () => void): Promise<Outcome> {
  return committed.then(
    (): Outcome => {
      onStored();
      return { ack: true };
    },
    (error: unknown): Outcome => ({ ack: false, error }),
  );
}

export function jsonTelemetryHandler(opts: {
  prefix: string;
  target: IngestTarget;
  status: IngestStatus;
  maxBatch: number;
}): TopicHandler {
  const { prefix, target, status } = opts;
  const submit = submitOf(target);
  return {
    filters: [`${prefix}/+/telemetry`],
    accepts: (topic) => topic.startsWith(`${prefix}/`),
    async handle(topic, payload): Promise<Handled> {
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
      let submitted: { committed: Promise<unknown> };
      try {
        submitted = await submit(decoded.readings);
      } catch (error) {
        return { ack: false, error };
      }
      return { committed: afterCommit(submitted.committed, () => status.accepted(assetId, 'mqtt')) };
    },
  };
}
