/**
 * OpenAPI operations of model serving: predict, batch, the serving model, versions, activation, A/B test, drift.
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { batchSchema, predictSchema } from './model-api';
import { abConfigSchema, modelRefSchema } from './model-admin-api';

const anyObject = z.looseObject({});

const predictResponse = z.looseObject({
  prediction: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
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
    503: { description: 'No model loaded', schema: errorBodySchema },
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
    503: { description: 'No model loaded', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/model',
  tag: 'model',
  summary: 'The serving model: version, features, interval, holdout metrics, limits',
  role: 'viewer',
  responses: {
    200: { description: 'Model package information', schema: anyObject },
    503: { description: 'No model loaded', schema: errorBodySchema },
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
    409: { description: 'That name and version exist already', schema: errorBodySchema },
    422: {
      description: 'The package cannot be served: `error.fields` lists the loader’s reasons (file and field)',
      schema: errorBodySchema,
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
    404: { description: 'No such version', schema: errorBodySchema },
    422: { description: 'The package cannot be served (the loader’s reasons)', schema: errorBodySchema },
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
    404: { description: 'No such version', schema: errorBodySchema },
    409: {
      description: 'Not a possible challenger (the serving version, other features, no model serving)',
      schema: errorBodySchema,
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
    409: { description: 'No A/B test is running', schema: errorBodySchema },
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
