/**
 * Counts the HTTP ingest's refusals (4xx) beside MQTT's and Sparkplug's, with the same reason
 * codes, so `twinops_ingest_rejected_total{source="http"}` and the admin's ingest status tell
 * one story whatever the transport.
 */
import { readDomainError } from '../errors/domain-error';
import type { IngestStatus } from './ingest-status';

const REASON_BY_CODE: Record<string, string> = {
  invalid_json: 'not_json',
  unsupported_media_type: 'content_type',
  payload_too_large: 'too_large',
  not_found: 'unknown_asset',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
};

const REASON_BY_STATUS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 429: 'rate_limited' };

/** A refusal thrown inside the ingest handler (4xx only: a 503 `not_stored` is not the sender's fault). */
export function recordHttpIngestError(status: IngestStatus | undefined, err: unknown, assetId: string): void {
  const e = readDomainError(err);
  if (!status || !e || e.status >= 500) return;
  let reason = REASON_BY_CODE[e.code] ?? e.code;
  if (e.code === 'validation_failed')
    reason = e.fields?.some((f) => f.message.includes('in the future')) ? 'future_ts' : 'bad_field';
  const detail = e.fields?.length ? `: ${e.fields.map((f) => `${f.field}: ${f.message}`).join('; ')}` : '';
  status.reject({ source: 'http', reason, message: `${e.message}${detail}`.slice(0, 500), assetId });
}

/** A refusal answered before the handler ran (authentication, role, rate limit). */
export function recordHttpIngestRefusal(status: IngestStatus | undefined, httpStatus: number, assetId: string): void {
  const reason = REASON_BY_STATUS[httpStatus];
  if (!status || !reason) return;
  // Not tied to the asset: an unauthenticated caller must not set its "last error".
  status.reject({ source: 'http', reason, message: `HTTP ${httpStatus} for asset "${assetId}"` });
}
