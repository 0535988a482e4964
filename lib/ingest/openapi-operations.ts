/**
 * OpenAPI operations of ingest: readings over HTTP and the plant connection's status.
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, namedValues, registerOperation, type DocContext } from '../api/openapi';
import { readingSchema } from '../twin/ingest';
import { ingestStatusReportSchema } from './ingest-status-schema';

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
      status: z
        .enum(['new', 'late', 'duplicate', 'queued'])
        .describe('queued: stored by an instance that does not own the asset; its owner scores and streams it'),
      seq: z.number().int().nullable(),
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
registerOperation({
  method: 'get',
  path: '/api/v1/ingest/status',
  tag: 'admin',
  summary: 'The plant connection: MQTT state, last refused message per asset, Sparkplug devices online/offline',
  description:
    "Refusals of every ingest source (HTTP 4xx, MQTT JSON, Sparkplug B) are also counted in `twinops_ingest_rejected_total{source,reason}`. Kept in memory by each instance; clustered, the assets and refusals are every instance's (shared through Redis each second) and `mqtt` is the answering instance's connection.",
  role: 'admin',
  responses: {
    200: {
      description: 'The status',
      schema: ingestStatusReportSchema,
    },
  },
});
