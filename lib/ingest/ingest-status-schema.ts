/**
 * The plant connection's status report as data: one zod schema for the admin endpoint's OpenAPI
 * entry and for the reports instances share with each other (lib/cluster/ingest-status-figures.ts,
 * where a report written by another version is skipped rather than trusted).
 */
import { z } from 'zod';

export const ingestRejectionSchema = z.object({
  at: z.string(),
  source: z.enum(['http', 'mqtt', 'sparkplug']),
  reason: z.string().describe('not_json, unknown_asset, bad_field, future_ts, undecodable, no_birth, seq_gap, ...'),
  message: z.string(),
  topic: z.string().optional(),
  assetId: z.string().optional(),
});

export const ingestStatusReportSchema = z.object({
  mqtt: z.object({
    enabled: z.boolean(),
    broker: z.string().optional().describe('without credentials'),
    clientId: z.string().optional(),
    connected: z.boolean(),
    lastConnectedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    reconnects: z.number().int(),
    subscriptions: z.array(z.string()),
  }),
  assets: z.array(
    z.object({
      assetId: z.string(),
      lastAccepted: z.object({ at: z.string(), source: z.enum(['http', 'mqtt', 'sparkplug']) }).nullable(),
      lastError: ingestRejectionSchema.nullable(),
      rejected: z.number().int(),
      sparkplug: z
        .object({
          group: z.string(),
          edge: z.string(),
          device: z.string(),
          online: z.boolean(),
          since: z.string(),
          reason: z.string().optional(),
        })
        .nullable(),
    }),
  ),
  recentRejections: z.array(ingestRejectionSchema).describe('newest first, at most 50'),
});
