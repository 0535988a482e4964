/**
 * OpenAPI operations of the live twin: the asset catalog, stored history and its CSV export, the twin's status.
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { DEFAULT_MAX_POINTS, MAX_POINTS_MAX, MAX_POINTS_MIN } from './history';

const anyObject = z.looseObject({});

const signal = z.object({ name: z.string(), label: z.string(), unit: z.string(), min: z.number(), max: z.number() });
const point = z.object({
  seq: z.number().int(),
  ts: z.number().describe('epoch ms'),
  values: z.record(z.string(), z.number()),
  prediction: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  modelVersion: z.string().nullable(),
  flags: z.array(z.enum(['out_of_range', 'model_unavailable', 'ingested'])),
});
const assetsResponse = z.object({
  assets: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      setpoints: z.record(z.string(), z.number()),
      latest: point.nullable(),
    }),
  ),
  signals: z.array(signal),
  target: z.object({ name: z.string(), label: z.string(), unit: z.string() }),
  model: z.object({ name: z.string(), version: z.string() }).nullable(),
  rateHz: z.number(),
  bufferSeconds: z.number(),
  modelProblem: z.string().nullable(),
});
registerOperation({
  method: 'get',
  path: '/api/v1/assets',
  tag: 'twin',
  summary: 'Assets, signals (units, valid ranges), target and model, with each asset’s latest point',
  role: 'viewer',
  responses: { 200: { description: 'The catalog', schema: assetsResponse } },
});
const historySeries = z.object({
  t: z.array(z.number()).describe('epoch ms (UTC), ascending'),
  v: z.array(z.number()),
  lower: z.array(z.number().nullable()).optional(),
  upper: z.array(z.number().nullable()).optional(),
});
const historyResponse = z.object({
  assetId: z.string(),
  from: z.number(),
  to: z.number(),
  maxPoints: z.number().int(),
  bucketMs: z.number(),
  rawCount: z.number().int(),
  downsampled: z.boolean(),
  series: z
    .record(z.string(), historySeries)
    .describe('per signal: the features, prediction (with lower/upper) and actual'),
});
const rangeParams =
  '`from` and `to` (query, required): ISO 8601 date-times with a zone or epoch ms, `to` after `from`.';
registerOperation({
  method: 'get',
  path: '/api/v1/assets/{id}/history',
  tag: 'twin',
  summary: 'Stored readings and predictions of a range, downsampled on the server',
  description: `${rangeParams} \`signals\` (optional): comma-separated features, \`prediction\`, \`actual\` (default all). \`maxPoints\` (optional, ${MAX_POINTS_MIN}-${MAX_POINTS_MAX}, default ${DEFAULT_MAX_POINTS}): at most this many points per signal whatever the range; each time bucket gives its min and max at the times they happened, so spikes survive. Bad parameters: 400 naming the field.`,
  role: 'viewer',
  params: { id: 'Asset id, e.g. reactor-1' },
  responses: {
    200: { description: 'One series per signal', schema: historyResponse },
    400: { description: 'Bad query parameter (fields names it)', schema: errorBodySchema },
    404: { description: 'Unknown asset', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/assets/{id}/export.csv',
  tag: 'twin',
  summary: 'Every stored reading and prediction of a range as CSV (streamed)',
  description: `${rangeParams} Columns named with units; times ISO 8601 UTC; streamed page by page, so any range can be exported.`,
  role: 'viewer',
  params: { id: 'Asset id, e.g. reactor-1' },
  responses: {
    200: { description: 'CSV attachment', schema: z.string(), contentType: 'text/csv' },
    400: { description: 'Bad range (fields names it)', schema: errorBodySchema },
    404: { description: 'Unknown asset', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/twin/status',
  tag: 'model',
  summary: 'Is the twin predicting? operational or degraded with the reason',
  role: 'viewer',
  responses: { 200: { description: 'Status', schema: anyObject } },
});
