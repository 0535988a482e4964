/**
 * Every API operation, declared once for the OpenAPI document with the same zod schemas the
 * handlers validate with. A new endpoint adds one `registerOperation` call here.
 */
import { z } from 'zod';
import { loginSchema } from '../auth/login';
import { readingSchema } from '../twin/ingest';
import { batchSchema, predictSchema } from '../twin/model-api';
import { preferencesSchema } from '../time/preferences';
import { DEFAULT_MAX_POINTS, MAX_POINTS_MAX, MAX_POINTS_MIN } from '../twin/history';
import { getServicesOrNull } from '../metrics/services-probe';
import { buildOpenApiDocument, errorBodySchema, registerOperation, type DocContext } from './openapi';


const role = z.enum(['viewer', 'operator', 'admin']);
const anyObject = z.looseObject({});

const loginResponse = z.object({
  token: z.string().describe('Bearer token, valid 24 h: send as `Authorization: Bearer <token>`'),
  expiresAt: z.iso.datetime(),
  user: z.object({ username: z.string(), name: z.string(), role }),
});

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
  assets: z.array(z.object({ id: z.string(), name: z.string(), setpoints: z.record(z.string(), z.number()), latest: point.nullable() })),
  signals: z.array(signal),
  target: z.object({ name: z.string(), label: z.string(), unit: z.string() }),
  model: z.object({ name: z.string(), version: z.string() }).nullable(),
  rateHz: z.number(),
  bufferSeconds: z.number(),
  modelProblem: z.string().nullable(),
});
const ingestBody = (ctx: DocContext) => {
  const one = readingSchema(ctx.features);
  return z.union([one, z.array(one).min(1).max(ctx.maxIngestBatch)]).describe(`One reading or an array of at most ${ctx.maxIngestBatch}; values must name exactly: ${ctx.features.join(', ')}`);
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
const healthResponse = z.object({
  status: z.enum(['ok', 'unhealthy']),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.object({ database: z.object({ status: z.enum(['ok', 'failed']), kind: z.string(), latencyMs: z.number().optional(), reason: z.string().optional() }) }),
});
const predictResponse = z.looseObject({ prediction: z.number(), lower: z.number().nullable(), upper: z.number().nullable() });

registerOperation({
  method: 'post',
  path: '/api/v1/auth/login',
  tag: 'auth',
  summary: 'Exchange username and password for a bearer token (24 h)',
  description: 'Throttled like the login form: after repeated failures the username (and the address) is locked and the answer is 429 with Retry-After.',
  role: 'public',
  body: loginSchema,
  responses: {
    200: { description: 'Token issued', schema: loginResponse },
    401: { description: 'Invalid username or password', schema: errorSchema() },
    429: { description: 'Too many failed attempts; Retry-After says when to retry', schema: errorSchema() },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/assets',
  tag: 'twin',
  summary: 'Assets, signals (units, valid ranges), target and model, with each asset’s latest point',
  role: 'viewer',
  responses: { 200: { description: 'The catalog', schema: assetsResponse } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/assets/{id}/telemetry',
  tag: 'twin',
  summary: 'Ingest readings for an asset',
  description: 'The whole request is validated before anything is stored: one bad item refuses it, naming its index and field. Readings outside the valid range are kept and flagged.',
  role: 'operator',
  params: { id: 'Asset id, e.g. reactor-1' },
  body: ingestBody,
  bodyPatch: (schema, ctx) => namedValues(schema, ctx.features),
  responses: {
    201: { description: 'Stored and published', schema: ingestResponse },
    404: { description: 'Unknown asset', schema: errorSchema() },
  },
});
const historySeries = z.object({ t: z.array(z.number()).describe('epoch ms (UTC), ascending'), v: z.array(z.number()), lower: z.array(z.number().nullable()).optional(), upper: z.array(z.number().nullable()).optional() });
const historyResponse = z.object({
  assetId: z.string(),
  from: z.number(),
  to: z.number(),
  maxPoints: z.number().int(),
  bucketMs: z.number(),
  rawCount: z.number().int(),
  downsampled: z.boolean(),
  series: z.record(z.string(), historySeries).describe('per signal: the features, prediction (with lower/upper) and actual'),
});
const rangeParams = '`from` and `to` (query, required): ISO 8601 date-times with a zone or epoch ms, `to` after `from`.';
registerOperation({
  method: 'get',
  path: '/api/v1/assets/{id}/history',
  tag: 'twin',
  summary: 'Stored readings and predictions of a range, downsampled on the server',
  description: `${rangeParams} \`signals\` (optional): comma-separated features, \`prediction\`, \`actual\` (default all). \`maxPoints\` (optional, ${MAX_POINTS_MIN}-${MAX_POINTS_MAX}, default ${DEFAULT_MAX_POINTS}): at most this many points per signal whatever the range; each time bucket gives its min and max at the times they happened, so spikes survive. Bad parameters: 400 naming the field.`,
  role: 'viewer',
  params: { id: 'Asset id, e.g. reactor-1' },
  responses: { 200: { description: 'One series per signal', schema: historyResponse }, 400: { description: 'Bad query parameter (fields names it)', schema: errorSchema() }, 404: { description: 'Unknown asset', schema: errorSchema() } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/assets/{id}/export.csv',
  tag: 'twin',
  summary: 'Every stored reading and prediction of a range as CSV (streamed)',
  description: `${rangeParams} Columns named with units; times ISO 8601 UTC; streamed page by page, so any range can be exported.`,
  role: 'viewer',
  params: { id: 'Asset id, e.g. reactor-1' },
  responses: { 200: { description: 'CSV attachment', schema: z.string(), contentType: 'text/csv' }, 400: { description: 'Bad range (fields names it)', schema: errorSchema() }, 404: { description: 'Unknown asset', schema: errorSchema() } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'The caller’s display preferences: time zone (null = the browser’s)',
  role: 'viewer',
  responses: { 200: { description: 'Preferences', schema: preferencesSchema } },
});
registerOperation({
  method: 'put',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'Set the caller’s time zone (an IANA name, or null for the browser’s)',
  role: 'viewer',
  body: preferencesSchema,
  responses: { 200: { description: 'Saved', schema: preferencesSchema } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/twin/predict',
  tag: 'model',
  summary: 'Predict the target for one reading, with its band',
  role: 'viewer',
  body: (ctx) => predictSchema.describe(`Feature values by name: ${ctx.features.join(', ')}`),
  responses: { 200: { description: 'Prediction', schema: predictResponse }, 503: { description: 'No model loaded', schema: errorSchema() } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/twin/batch',
  tag: 'model',
  summary: 'Predict many readings in one model run',
  role: 'viewer',
  body: (ctx) => batchSchema(ctx.maxBatch).describe(`inputs: objects of feature values (${ctx.features.join(', ')})`),
  responses: { 200: { description: 'Per-item results and errors', schema: anyObject }, 503: { description: 'No model loaded', schema: errorSchema() } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/twin/status',
  tag: 'model',
  summary: 'Is the twin predicting? operational or degraded with the reason',
  role: 'viewer',
  responses: { 200: { description: 'Status', schema: anyObject } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/model',
  tag: 'model',
  summary: 'The serving model: version, features, interval, holdout metrics, limits',
  role: 'viewer',
  responses: { 200: { description: 'Model package information', schema: anyObject }, 503: { description: 'No model loaded', schema: errorSchema() } },
});
registerOperation({
  method: 'get',
  path: '/api/health',
  tag: 'operations',
  summary: 'Liveness and readiness (no auth)',
  role: 'public',
  responses: { 200: { description: 'Healthy', schema: healthResponse }, 503: { description: 'A check failed; the report says which', schema: healthResponse } },
});
registerOperation({
  method: 'get',
  path: '/api/metrics',
  tag: 'operations',
  summary: 'Prometheus metrics (text format)',
  description: 'Scrapers send `Authorization: Bearer $METRICS_TOKEN` or an API key; browser sessions need the admin role.',
  role: 'viewer',
  responses: { 200: { description: 'Prometheus text exposition', schema: z.string(), contentType: 'text/plain; version=0.0.4' } },
});
registerOperation({
  method: 'get',
  path: '/api/openapi.json',
  tag: 'operations',
  summary: 'This document',
  role: 'viewer',
  responses: { 200: { description: 'OpenAPI 3.1', schema: anyObject } },
});

/**
 * `values` is a record checked by a refinement (exactly the model's features), which JSON Schema
 * conversion cannot see: spell the features out as properties wherever a `values` record appears.
 */
function namedValues(node: unknown, features: string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => namedValues(n, features));
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  const props = obj.properties as Record<string, Record<string, unknown>> | undefined;
  const values = props?.values;
  if (values && values.type === 'object' && !values.properties) {
    values.properties = Object.fromEntries(features.map((f) => [f, { type: 'number' }]));
    values.required = features;
    values.additionalProperties = false;
    delete values.propertyNames;
  }
  for (const v of Object.values(obj)) namedValues(v, features);
}

function errorSchema() {
  return errorBodySchema;
}

const FALLBACK_FEATURES = ['temperature', 'pressure', 'flow'];

/** What the document depends on at run time: the live catalog's features and the batch limits. */
export function currentDocContext(): DocContext {
  const services = getServicesOrNull();
  const signals = services?.twin?.catalog().signals.map((s) => s.name);
  return {
    features: signals?.length ? signals : FALLBACK_FEATURES,
    maxIngestBatch: services?.config.MAX_INGEST_BATCH ?? 10_000,
    maxBatch: services?.config.MAX_BATCH ?? 1_000,
  };
}

/** The API's OpenAPI 3.1 document as the running process serves it. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const services = getServicesOrNull();
  return buildOpenApiDocument(currentDocContext(), { version: services?.version ?? '0.0.0', serverUrl });
}
