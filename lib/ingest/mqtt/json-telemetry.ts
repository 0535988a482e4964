/**
 * JSON telemetry over MQTT: `<prefix>/<assetId>/telemetry` carrying the HTTP ingest's body (one
 * reading or an array), validated by the same schema. Pure: payload in, readings or a refusal
 * (reason code + message naming the field) out.
 */
import { parseIngestBody, toReadings } from '../../twin/ingest';
import type { Reading } from '../../twin/types';
import type { SignalMap } from '../../assets/signal-map';

export interface Refusal {
  reason: string;
  message: string;
}

export type Decoded = { readings: Reading[] } | { refused: Refusal };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The asset id of a JSON telemetry topic, or null when the topic is not one. */
export function assetOfTopic(prefix: string, topic: string): string | null {
  if (!topic.startsWith(`${prefix}/`) || !topic.endsWith('/telemetry')) return null;
  const id = topic.slice(prefix.length + 1, -'/telemetry'.length);
  return id && !id.includes('/') ? id : null;
}

export function decodeJsonTelemetry(
  assetId: string,
  payload: Uint8Array,
  /** The model's features by name, or the asset's mapping (names or tags, conversion, ranges). */
  features: string[] | SignalMap,
  maxBatch: number,
  now = Date.now(),
): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (err) {
    return { refused: { reason: 'not_json', message: `payload is not UTF-8 JSON: ${(err as Error).message}` } };
  }
  const parsed = parseIngestBody(json, features, maxBatch);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return { refused: { reason: 'bad_field', message: issues.join('; ') } };
  }
  const converted = toReadings(assetId, parsed.data, now);
  if ('error' in converted) {
    const reason = converted.error.message.includes('future') ? 'future_ts' : 'bad_field';
    return { refused: { reason, message: `${converted.error.field}: ${converted.error.message}` } };
  }
  return { readings: converted.readings };
}
