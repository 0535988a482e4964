/**
 * OpenAPI operation of recommended setpoints (what-if optimize).
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { optimizeSchema } from './optimize-api';

const anyObject = z.looseObject({});

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
    400: { description: 'A field is invalid (named in error.fields)', schema: errorBodySchema },
    503: { description: 'No model loaded', schema: errorBodySchema },
  },
});
