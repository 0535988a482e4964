/**
 * The plant connection's status report (lib/ingest/ingest-status.ts), as data and as types: one
 * zod schema for the admin endpoint's OpenAPI entry, for the reports instances share with each
 * other (lib/cluster/ingest-status-figures.ts, where a report written by another version is
 * skipped rather than trusted) and for the TypeScript types the status is kept in.
 */
import { z } from 'zod';

const ingestSourceSchema = z.enum(['http', 'mqtt', 'sparkplug']);

export const ingestRejectionSchema = z.object({
  at: z.string(),
  source: ingestSourceSchema,
  /** Short code, the metric's `reason` label. */
  reason: z.string().describe('not_json, unknown_asset, bad_field, future_ts, undecodable, no_birth, seq_gap, ...'),
  message: z.string(),
  topic: z.string().optional(),
  assetId: z.string().optional(),
});

const sparkplugDeviceStateSchema = z.object({
  group: z.string(),
  edge: z.string(),
  device: z.string(),
  online: z.boolean(),
  /** When it went online (birth) or offline (death). */
  since: z.string(),
  /** Why it is offline: DDEATH, NDEATH, or waiting for the rebirth we asked for. */
  reason: z.string().optional(),
});

const assetIngestStatusSchema = z.object({
  assetId: z.string(),
  lastAccepted: z.object({ at: z.string(), source: ingestSourceSchema }).nullable(),
  lastError: ingestRejectionSchema.nullable(),
  rejected: z.number().int(),
  sparkplug: sparkplugDeviceStateSchema.nullable(),
});

const connectionStateSchema = z.object({
  enabled: z.boolean(),
  broker: z.string().optional().describe('without credentials'),
  clientId: z.string().optional(),
  connected: z.boolean(),
  lastConnectedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  reconnects: z.number().int(),
  subscriptions: z.array(z.string()),
});

export const ingestStatusReportSchema = z.object({
  mqtt: connectionStateSchema,
  assets: z.array(assetIngestStatusSchema),
  recentRejections: z.array(ingestRejectionSchema).describe('newest first, at most 50'),
});

export type IngestSource = z.infer<typeof ingestSourceSchema>;
export type Rejection = z.infer<typeof ingestRejectionSchema>;
export type SparkplugDeviceState = z.infer<typeof sparkplugDeviceStateSchema>;
export type AssetIngestStatus = z.infer<typeof assetIngestStatusSchema>;
export type ConnectionState = z.infer<typeof connectionStateSchema>;
export type IngestStatusReport = z.infer<typeof ingestStatusReportSchema>;
