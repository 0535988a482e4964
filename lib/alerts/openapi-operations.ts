/**
 * The alert endpoints in the OpenAPI document (imported by lib/api/operations.ts), with the same
 * zod schemas the handlers validate with.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import { ackSchema, ruleBodySchema, rulePatchSchema, shelveSchema } from './schemas';

const alert = z.object({
  id: z.number().int(),
  ruleId: z.string(),
  assetId: z.string(),
  signal: z.string().describe('`prediction` or a feature name'),
  severity: z.enum(['warning', 'critical']),
  direction: z.enum(['low', 'high']),
  limit: z.number(),
  value: z.number().describe('the value that raised it'),
  peak: z.number().describe('furthest past the limit while open'),
  state: z.enum(['active', 'acknowledged', 'cleared']),
  raisedAt: z.number().describe('epoch ms (point time)'),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  ackComment: z.string().nullable(),
  clearedAt: z.number().nullable(),
});
const rule = z.object({
  id: z.string(),
  assetId: z.string(),
  signal: z.string(),
  severity: z.enum(['warning', 'critical']),
  low: z.number().nullable(),
  high: z.number().nullable(),
  deadband: z.number(),
  minDurationMs: z.number().int(),
  enabled: z.boolean(),
  shelvedUntil: z.number().nullable().describe('epoch ms; null when not shelved'),
  updatedAt: z.number(),
  updatedBy: z.string().nullable(),
});
const ruleResponse = z.object({ rule });
const notFound = { description: 'No such rule', schema: errorBodySchema };
const ruleId = { id: 'Rule id (uuid)' };
const ruleChecks =
  'Checked on the merged rule: low < high, 0 <= deadband < (high - low) / 2 (else it could never clear), 0 <= minDurationMs <= 3,600,000; a 400 names the field. Audited.';

registerOperation({
  method: 'get',
  path: '/api/v1/alerts',
  tag: 'alerts',
  summary: 'Alerts, newest first',
  description:
    'Query: `state` (active, acknowledged, cleared, or open = active + acknowledged), `assetId`, `severity` (warning, critical), `limit` (1-1000, default 100), `before` (an alert id: the next page starts below it; the answer’s `nextBefore`). Input drift alerts have `assetId` `plant` and `signal` `drift:<feature>` (value = PSI). An open alert’s `peak` is the live one.',
  role: 'viewer',
  responses: {
    200: {
      description: 'Alerts',
      schema: z.object({ alerts: z.array(alert), nextBefore: z.number().int().nullable() }),
    },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/alerts/{id}/ack',
  tag: 'alerts',
  summary: 'Acknowledge an active alert (records who, when and the optional comment)',
  description: 'The body is optional (`{}` or none). Audited and broadcast as `alert:updated`.',
  role: 'operator',
  params: { id: 'Alert id' },
  body: ackSchema,
  responses: {
    200: { description: 'Acknowledged', schema: z.object({ alert }) },
    404: { description: 'No such alert', schema: errorBodySchema },
    409: {
      description: 'Already cleared (`alert_cleared`) or acknowledged (`already_acknowledged`)',
      schema: errorBodySchema,
    },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/alert-rules',
  tag: 'alerts',
  summary: 'Alert rules (query `assetId` for one asset’s)',
  role: 'viewer',
  responses: {
    200: {
      description: 'Rules, and the server’s clock (`now`, epoch ms) to judge `shelvedUntil`',
      schema: z.object({ rules: z.array(rule), now: z.number() }),
    },
  },
});
registerOperation({
  method: 'put',
  path: '/api/v1/alert-rules/{id}',
  tag: 'alerts',
  summary: 'Replace a rule’s settings; effective from the next point',
  description: ruleChecks,
  role: 'operator',
  params: ruleId,
  body: ruleBodySchema,
  responses: {
    200: { description: 'The rule as stored', schema: ruleResponse },
    404: notFound,
    409: { description: 'The asset’s signal already has a rule of that severity', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'patch',
  path: '/api/v1/alert-rules/{id}',
  tag: 'alerts',
  summary: 'Change some of a rule’s settings',
  description: ruleChecks,
  role: 'operator',
  params: ruleId,
  body: rulePatchSchema,
  responses: {
    200: { description: 'The rule as stored', schema: ruleResponse },
    404: notFound,
    409: { description: 'The asset’s signal already has a rule of that severity', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/alert-rules/{id}/shelve',
  tag: 'alerts',
  summary: 'Shelve a rule for some minutes: it raises nothing meanwhile',
  description: 'An alert already open stays open and clears normally. Audited.',
  role: 'operator',
  params: ruleId,
  body: shelveSchema,
  responses: { 200: { description: 'The rule as stored', schema: ruleResponse }, 404: notFound },
});
registerOperation({
  method: 'post',
  path: '/api/v1/alert-rules/{id}/unshelve',
  tag: 'alerts',
  summary: 'End a rule’s shelving now',
  role: 'operator',
  params: ruleId,
  responses: { 200: { description: 'The rule as stored', schema: ruleResponse }, 404: notFound },
});
