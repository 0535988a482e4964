/**
 * The annotation endpoints in the OpenAPI document (imported by lib/api/operations.ts), with the
 * same zod schemas the handlers validate with.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { createAnnotationSchema, patchAnnotationSchema } from './schemas';

const annotation = z.object({
  id: z.string().describe('uuid'),
  assetId: z.string().nullable().describe('null: plant-wide'),
  start: z.number().describe('epoch ms'),
  end: z.number().nullable().describe('epoch ms; null for a point in time'),
  note: z.string(),
  authorId: z.string().nullable(),
  authorUsername: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const one = z.object({ annotation });
const id = { id: 'Annotation id (uuid)' };
const notFound = { description: 'No such annotation', schema: errorBodySchema };
const checks =
  'Times are epoch ms or ISO 8601 with a zone. `end` null (or absent) marks a point in time; otherwise it must not be before `start` and the range may span at most one year. `note`: 1 to 500 characters. A 400 names the field (also `assetId` when the asset is unknown). Audited; broadcast on the socket as `annotation:created|updated|deleted`.';

registerOperation({
  method: 'get',
  path: '/api/v1/annotations',
  tag: 'annotations',
  summary: 'Notes on the trends, oldest first',
  description:
    'Query: `assetId` (that asset’s and the plant-wide ones; all when absent), `from`, `to` (epoch ms or ISO 8601: those overlapping the range). At most 1,000.',
  role: 'viewer',
  responses: { 200: { description: 'Annotations', schema: z.object({ annotations: z.array(annotation) }) } },
});
registerOperation({
  method: 'post',
  path: '/api/v1/annotations',
  tag: 'annotations',
  summary: 'Mark a time or a range with a note (`assetId` null: plant-wide)',
  description: checks,
  role: 'operator',
  body: createAnnotationSchema,
  responses: { 201: { description: 'Stored', schema: one } },
});
registerOperation({
  method: 'patch',
  path: '/api/v1/annotations/{id}',
  tag: 'annotations',
  summary: 'Change a note or its time (its author only)',
  description: `${checks} The range is checked on the merged annotation.`,
  role: 'operator',
  params: id,
  body: patchAnnotationSchema,
  responses: {
    200: { description: 'The annotation as stored', schema: one },
    403: { description: 'Not its author', schema: errorBodySchema },
    404: notFound,
  },
});
registerOperation({
  method: 'delete',
  path: '/api/v1/annotations/{id}',
  tag: 'annotations',
  summary: 'Delete a note (its author, or an admin)',
  role: 'operator',
  params: id,
  responses: {
    204: { description: 'Deleted' },
    403: { description: 'Neither its author nor an admin', schema: errorBodySchema },
    404: notFound,
  },
});
