/**
 * The reference microservice's own paths (../shared/seeds/deploying-digital-twins.txt, 5.2) in the
 * OpenAPI document, in their shapes (which differ from the rest of the API's: `{error}` is a
 * sentence there). Their handlers are app/predict/route.ts and app/metrics/route.ts.
 */
import { z } from 'zod';
import { predictSchema } from '../serving/model-api';
import { registerOperation } from './openapi';

const referenceError = z.object({
  error: z.string().describe('What is wrong, naming each bad field'),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

registerOperation({
  method: 'post',
  path: '/predict',
  tag: 'reference service',
  summary: 'The reference service’s prediction: {success, result, request_id}',
  description:
    'Same input as `POST /api/v1/twin/predict` (feature aliases such as `temp` accepted). `result.timestamp` is epoch seconds; `request_id` counts answered predictions since start. Bad input answers 400 `{error}`.',
  role: 'viewer',
  body: (ctx) => predictSchema.describe(`Feature values by name: ${ctx.features.join(', ')}`),
  responses: {
    200: {
      description: 'Prediction',
      schema: z.object({
        success: z.literal(true),
        result: z.object({
          prediction: z.number(),
          confidence_interval: z.tuple([z.number(), z.number()]).nullable(),
          inference_time_ms: z.number(),
          timestamp: z.number().describe('epoch seconds'),
        }),
        request_id: z.number().int(),
      }),
    },
    400: { description: 'Invalid input', schema: referenceError },
    413: { description: 'Body larger than 1 MB', schema: referenceError },
    415: { description: 'Body is not application/json', schema: referenceError },
    503: { description: 'No model loaded', schema: referenceError },
  },
});
registerOperation({
  method: 'get',
  path: '/metrics',
  tag: 'reference service',
  summary: 'The reference service’s metrics: total_requests, model_version, uptime_seconds',
  description: 'JSON, for the reference’s clients; Prometheus text is at `/api/metrics`.',
  role: 'viewer',
  responses: {
    200: {
      description: 'Counters',
      schema: z.object({
        total_requests: z.number().int().describe('answered POST /predict calls since start'),
        model_version: z.string().nullable(),
        uptime_seconds: z.number(),
      }),
    },
  },
});
