/**
 * Every API operation, declared once for the OpenAPI document with the same zod schemas the
 * handlers validate with. A new endpoint adds one `registerOperation` call here.
 */
import { z } from 'zod';
import { loginSchema } from '../auth/login';
import {
  changeOwnPasswordSchema,
  createKeySchema,
  createUserSchema,
  resetPasswordSchema,
  updateUserSchema,
} from '../auth/admin-schemas';
import { readingSchema } from '../twin/ingest';
import { batchSchema, predictSchema } from '../serving/model-api';
import { optimizeSchema } from '../what-if/optimize-api';
import { abConfigSchema, modelRefSchema } from '../serving/model-admin-api';
import { preferencesSchema, preferencesUpdateSchema } from '../time/preferences';
import { DEFAULT_MAX_POINTS, MAX_POINTS_MAX, MAX_POINTS_MIN } from '../twin/history';
import { getServicesOrNull } from '../services';
import { ROLES } from '../auth/roles';
import { buildOpenApiDocument, errorBodySchema, registerOperation, type DocContext } from './openapi';
// The alert endpoints declare themselves beside their schemas.
import '../alerts/openapi-operations';
import '../annotations/openapi-operations';
import '../serving/openapi-operations';
import './reference-operations';

const role = z.enum(ROLES);
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
const healthResponse = z.object({
  status: z
    .enum(['ok', 'degraded', 'unhealthy'])
    .describe('degraded: no model can run (readings still stream); `reason` says why'),
  reason: z.string().optional(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.object({
    database: z.object({
      status: z.enum(['ok', 'failed']),
      kind: z.string(),
      latencyMs: z.number().optional(),
      reason: z.string().optional(),
    }),
    model: z
      .object({
        status: z.enum(['ok', 'failed']),
        version: z.string().nullable().optional(),
        reason: z.string().optional(),
      })
      .optional(),
  }),
});
const predictResponse = z.looseObject({
  prediction: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
});

registerOperation({
  method: 'post',
  path: '/api/v1/auth/login',
  tag: 'auth',
  summary: 'Exchange username and password for a bearer token (24 h)',
  description:
    'Throttled like the login form: after repeated failures the username (and the address) is locked and the answer is 429 with Retry-After.',
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
  description:
    'The whole request is validated before anything is stored: one bad item refuses it, naming its index and field. Readings outside the valid range are kept and flagged.',
  role: 'operator',
  params: { id: 'Asset id, e.g. reactor-1' },
  body: ingestBody,
  bodyPatch: (schema, ctx) => namedValues(schema, ctx.features),
  responses: {
    201: { description: 'Stored and published', schema: ingestResponse },
    404: { description: 'Unknown asset', schema: errorSchema() },
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
    400: { description: 'Bad query parameter (fields names it)', schema: errorSchema() },
    404: { description: 'Unknown asset', schema: errorSchema() },
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
    400: { description: 'Bad range (fields names it)', schema: errorSchema() },
    404: { description: 'Unknown asset', schema: errorSchema() },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'The caller’s display preferences: time zone (null = the browser’s), fixed y-axis ranges by signal',
  role: 'viewer',
  responses: { 200: { description: 'Preferences', schema: preferencesSchema } },
});
registerOperation({
  method: 'put',
  path: '/api/v1/me/preferences',
  tag: 'users',
  summary: 'Set the caller’s time zone (an IANA name, or null for the browser’s) and/or y-axis ranges',
  description:
    'Sets the preferences named in the body, leaving the others as they are. `yAxes` replaces the whole map of fixed ranges: `{"temperature": {"min": 340, "max": 380}}`; a signal not in it (or `{}`) is auto-scaled. `min` must be below `max` (a 400 names `yAxes.<signal>.max`).',
  role: 'viewer',
  body: preferencesUpdateSchema,
  responses: { 200: { description: 'Saved', schema: preferencesSchema } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/twin/predict',
  tag: 'model',
  summary: 'Predict the target for one reading, with its band',
  role: 'viewer',
  body: (ctx) => predictSchema.describe(`Feature values by name: ${ctx.features.join(', ')}`),
  responses: {
    200: { description: 'Prediction', schema: predictResponse },
    503: { description: 'No model loaded', schema: errorSchema() },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/twin/batch',
  tag: 'model',
  summary: 'Predict many readings in one model run',
  role: 'viewer',
  body: (ctx) => batchSchema(ctx.maxBatch).describe(`inputs: objects of feature values (${ctx.features.join(', ')})`),
  responses: {
    200: { description: 'Per-item results and errors', schema: anyObject },
    503: { description: 'No model loaded', schema: errorSchema() },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/twin/optimize',
  tag: 'model',
  summary: 'Recommended setpoints: maximize the predicted target, or reach a target with the least change',
  role: 'viewer',
  body: () =>
    optimizeSchema.describe(
      'goal "maximize" (default) or "target" (with target and from); from: live values; bounds: per feature {min, max} inside its valid range',
    ),
  responses: {
    200: {
      description: 'values, prediction with its band, change from `from`, feasible, rows evaluated',
      schema: anyObject,
    },
    400: { description: 'A field is invalid (named in error.fields)', schema: errorSchema() },
    503: { description: 'No model loaded', schema: errorSchema() },
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
registerOperation({
  method: 'get',
  path: '/api/v1/model',
  tag: 'model',
  summary: 'The serving model: version, features, interval, holdout metrics, limits',
  role: 'viewer',
  responses: {
    200: { description: 'Model package information', schema: anyObject },
    503: { description: 'No model loaded', schema: errorSchema() },
  },
});
const modelRef = z.object({ name: z.string(), version: z.string() });
const modelVersion = modelRef.extend({
  source: z.enum(['shipped', 'uploaded']),
  active: z.boolean(),
  challenger: z.boolean(),
  trainedAt: z.string().nullable(),
  description: z.string(),
  metrics: z.object({ r2: z.number(), mae: z.number(), rmse: z.number() }).nullable(),
  features: z.array(z.string()),
  problem: z.string().nullable(),
});
const abView = z.object({
  running: z.boolean(),
  champion: modelRef.nullable(),
  challenger: modelRef.extend({ share: z.number(), mode: z.enum(['split', 'shadow']) }).nullable(),
  since: z.number().describe('epoch ms: the figures count from here'),
  versions: z.array(
    z.object({
      version: z.string(),
      count: z.number().int(),
      meanPrediction: z.number().nullable(),
      latencyP50Ms: z.number().nullable(),
      latencyP99Ms: z.number().nullable(),
      withActual: z.number().int().describe('predictions whose true value was known'),
      mae: z.number().nullable(),
    }),
  ),
});
const activation = z.object({ changed: z.boolean(), model: modelRef });
const uploadForm = z.object({ model: z.string().describe('model.onnx'), twin: z.string().describe('twin.json') });
registerOperation({
  method: 'get',
  path: '/api/v1/models',
  tag: 'models',
  summary: 'Model versions (shipped and uploaded): source, metrics, which one serves',
  role: 'viewer',
  responses: {
    200: {
      description: 'Versions',
      schema: z.object({
        active: modelRef.nullable(),
        problem: z.string().nullable(),
        versions: z.array(modelVersion),
      }),
    },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/models',
  tag: 'models',
  summary: 'Upload a model package (multipart: files `model` and `twin`, up to 50 MB)',
  description:
    'Checked fully before it is kept (twin.json schema, the ONNX graph against it, one test prediction); a refused package changes nothing. While no model can run, a good upload is activated at once.',
  role: 'admin',
  body: uploadForm,
  bodyContentType: 'multipart/form-data',
  bodyPatch: (schema) => {
    const props = schema.properties as Record<string, Record<string, unknown>>;
    for (const p of Object.values(props)) Object.assign(p, { type: 'string', format: 'binary' });
  },
  responses: {
    201: { description: 'Stored', schema: modelVersion },
    409: { description: 'That name and version exist already', schema: errorSchema() },
    422: {
      description: 'The package cannot be served: `error.fields` lists the loader’s reasons (file and field)',
      schema: errorSchema(),
    },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/models/activate',
  tag: 'models',
  summary: 'Serve a version from now on (or roll back): no restart, no failed request; persisted',
  role: 'admin',
  body: modelRefSchema,
  responses: {
    200: { description: 'Serving it (`changed: false` when it already was)', schema: activation },
    404: { description: 'No such version', schema: errorSchema() },
    422: { description: 'The package cannot be served (the loader’s reasons)', schema: errorSchema() },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/models/ab',
  tag: 'models',
  summary: 'The A/B test and per-version count, mean prediction, latency p50/p99, MAE against known values',
  role: 'viewer',
  responses: { 200: { description: 'A/B state', schema: abView } },
});
registerOperation({
  method: 'put',
  path: '/api/v1/models/ab',
  tag: 'models',
  summary: 'Start (or change) the A/B test: `share` of predictions go to the challenger',
  description: 'Pipeline rows are split one by one; an API request (predict or batch) goes to one version as a whole.',
  role: 'admin',
  body: abConfigSchema,
  responses: {
    200: { description: 'Running', schema: abView },
    404: { description: 'No such version', schema: errorSchema() },
    409: {
      description: 'Not a possible challenger (the serving version, other features, no model serving)',
      schema: errorSchema(),
    },
  },
});
registerOperation({
  method: 'delete',
  path: '/api/v1/models/ab',
  tag: 'models',
  summary: 'Stop the A/B test',
  role: 'admin',
  responses: { 200: { description: 'Stopped', schema: abView } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/models/ab/promote',
  tag: 'models',
  summary: 'Make the challenger the serving version and end the test',
  role: 'admin',
  responses: {
    200: { description: 'Promoted', schema: activation },
    409: { description: 'No A/B test is running', schema: errorSchema() },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/models/drift',
  tag: 'models',
  summary: 'Input drift per feature: live mean and spread against training, PSI, out-of-range rate',
  role: 'viewer',
  responses: { 200: { description: 'Drift report', schema: anyObject } },
});
registerOperation({
  method: 'get',
  path: '/api/health',
  tag: 'operations',
  summary: 'Liveness and readiness (no auth); 200 `degraded` when no model can run',
  role: 'public',
  responses: {
    200: { description: 'Healthy', schema: healthResponse },
    503: { description: 'A check failed; the report says which', schema: healthResponse },
  },
});
registerOperation({
  method: 'get',
  path: '/api/metrics',
  tag: 'operations',
  summary: 'Prometheus metrics (text format)',
  description:
    'Scrapers send `Authorization: Bearer $METRICS_TOKEN` or an API key; browser sessions need the admin role.',
  role: 'viewer',
  responses: {
    200: { description: 'Prometheus text exposition', schema: z.string(), contentType: 'text/plain; version=0.0.4' },
  },
});
registerOperation({
  method: 'get',
  path: '/api/openapi.json',
  tag: 'operations',
  summary: 'This document',
  role: 'viewer',
  responses: { 200: { description: 'OpenAPI 3.1', schema: anyObject } },
});

// Administration (users, API keys, audit) and the user's own password.
const userResponse = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role,
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable(),
});
const adminErrors = {
  404: { description: 'No such user', schema: errorSchema() },
  409: { description: 'The last active admin cannot be disabled or demoted', schema: errorSchema() },
};
registerOperation({
  method: 'get',
  path: '/api/v1/admin/users',
  tag: 'admin',
  summary: 'List users',
  role: 'admin',
  responses: { 200: { description: 'Users by username', schema: z.object({ users: z.array(userResponse) }) } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/admin/users',
  tag: 'admin',
  summary: 'Create a user',
  role: 'admin',
  body: createUserSchema,
  responses: {
    201: { description: 'Created', schema: z.object({ user: userResponse }) },
    409: { description: 'Username taken', schema: errorSchema() },
  },
});
registerOperation({
  method: 'patch',
  path: '/api/v1/admin/users/{id}',
  tag: 'admin',
  summary:
    'Change a user’s role, disabled state or display name (takes effect within seconds, open sockets of a disabled user are closed)',
  role: 'admin',
  params: { id: 'User id' },
  body: updateUserSchema,
  responses: { 200: { description: 'Updated', schema: z.object({ user: userResponse }) }, ...adminErrors },
});
registerOperation({
  method: 'post',
  path: '/api/v1/admin/users/{id}/password',
  tag: 'admin',
  summary: 'Set a user’s password',
  role: 'admin',
  params: { id: 'User id' },
  body: resetPasswordSchema,
  responses: { 200: { description: 'Changed', schema: z.object({ user: userResponse }) }, 404: adminErrors[404] },
});
registerOperation({
  method: 'get',
  path: '/api/v1/admin/api-keys',
  tag: 'admin',
  summary: 'List API keys (prefix, owner and role, created, expires, last used, state; never the key)',
  role: 'admin',
  responses: { 200: { description: 'Keys, newest first', schema: z.object({ keys: z.array(anyObject) }) } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/admin/api-keys',
  tag: 'admin',
  summary: 'Create an API key for a user (the key is in this answer only)',
  role: 'admin',
  body: createKeySchema,
  responses: {
    201: {
      description: 'Created',
      schema: z.object({ key: z.string(), prefix: z.string(), expiresAt: z.iso.datetime(), owner: z.string(), role }),
    },
    404: adminErrors[404],
    409: { description: 'The owner is disabled', schema: errorSchema() },
  },
});
registerOperation({
  method: 'delete',
  path: '/api/v1/admin/api-keys/{prefix}',
  tag: 'admin',
  summary: 'Revoke an API key at once',
  role: 'admin',
  params: { prefix: 'The key’s 8-character prefix' },
  responses: {
    200: { description: 'Revoked', schema: anyObject },
    404: { description: 'No such key', schema: errorSchema() },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/admin/audit',
  tag: 'admin',
  summary: 'The audit log, newest first, filtered and paginated',
  description:
    'Query parameters: `actor` (exact), `action` (exact, or a prefix ending in `.` or `*`), `outcome` (success, failure, denied), `from` and `to` (ISO 8601), `limit` (1-500, default 50), `cursor` (the previous page’s `nextCursor`).',
  role: 'admin',
  responses: {
    200: {
      description: 'A page',
      schema: z.object({ entries: z.array(anyObject), nextCursor: z.number().int().nullable() }),
    },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/me/password',
  tag: 'auth',
  summary: 'Change your own password',
  role: 'viewer',
  body: changeOwnPasswordSchema,
  responses: {
    200: { description: 'Changed', schema: z.object({ changed: z.literal(true) }) },
    400: { description: 'Wrong current password (field currentPassword) or a refused new one', schema: errorSchema() },
    429: {
      description: 'Too many wrong current passwords (counted with failed logins); Retry-After says when to retry',
      schema: errorSchema(),
    },
  },
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
