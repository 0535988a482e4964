/**
 * OpenAPI operations of ingest: readings over HTTP and the plant connection's status.
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, namedValues, registerOperation, type DocContext } from '../api/openapi';
import { readingSchema } from '../twin/ingest';

const ingestBody = (ctx: DocContext) => {
  const one = readingSchema(ctx.features);
  return z
    .union([one, z.array(one).min(1).max(ctx.maxIngestBatch)])
    .describe(
      `One reading or an array of at most ${ctx.maxIngestBatch}; values must name exactly: ${ctx.features.join(', ')}`,
    );
};
const ingestResponse = z.object({
  accepted: z.number().int(),
  points: z.array(
    z.object({
      seq: z.number().int(),
      ts: z.iso.datetime(),
      prediction: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      modelVersion: z.string().nullable(),
      flags: z.array(z.string()),
      outOfRange: z.array(z.string()),
    }),
  ),
});
registerOperation({
  method: 'post',
  path: '/api/v1/assets/{id}/telemetry',
  tag: 'twin',
  summary: 'Ingest readings for an asset',
  description:
    'The whole request is validated before anything is stored: one bad item refuses it, naming its index and field. Readings outside the valid range are kept and flagged.',
  role: 'operator',
  params: { id: 'Asset id, e.g. reactor-1' },
  body: ingestBody,
  bodyPatch: (schema, ctx) => namedValues(schema, ctx.features),
  responses: {
    201: { description: 'Stored and published', schema: ingestResponse },
    404: { description: 'Unknown asset', schema: errorBodySchema },
  },
});
const ingestRejection = z.object({
  at: z.string(),
  source: z.enum(['http', 'mqtt', 'sparkplug']),
  reason: z.string().describe('not_json, unknown_asset, bad_field, future_ts, undecodable, no_birth, seq_gap, ...'),
  message: z.string(),
  topic: z.string().optional(),
  assetId: z.string().optional(),
});
registerOperation({
  method: 'get',
  path: '/api/v1/ingest/status',
  tag: 'admin',
  summary: 'The plant connection: MQTT state, last refused message per asset, Sparkplug devices online/offline',
  description:
    'Refusals of every ingest source (HTTP 4xx, MQTT JSON, Sparkplug B) are also counted in `twinops_ingest_rejected_total{source,reason}`. In memory, per process.',
  role: 'admin',
  responses: {
    200: {
      description: 'The status',
      schema: z.object({
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
            lastAccepted: z.object({ at: z.string(), source: z.string() }).nullable(),
            lastError: ingestRejection.nullable(),
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
        recentRejections: z.array(ingestRejection).describe('newest first, at most 50'),
      }),
    },
  },
});
