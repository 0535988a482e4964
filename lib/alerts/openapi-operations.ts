/**
 * The alert endpoints in the OpenAPI document (imported by lib/api/operations.ts), with the same
 * zod schemas the handlers validate with.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import './kpi-openapi';
import {
  ackSchema,
  alarmSettingsSchema,
  alarmShelveSchema,
  commentSchema,
  outOfServiceSchema,
  ruleBodySchema,
  rulePatchSchema,
  shelveSchema,
} from './schemas';
import { ALARM_PRIORITIES, ALERT_SEVERITIES, ALERT_STATES } from './alarm-vocabulary';

const priority = z.enum(ALARM_PRIORITIES);
const state = z
  .enum(ALERT_STATES)
  .describe(
    "ISA-18.2: active_unacked, active_acked, rtn_unacked (returned to normal before acknowledgement: stays until acknowledged), shelved, out_of_service, suppressed (by design: the asset's source is stale or offline; its `source:stale` alarm stands for it), normal (closed)",
  );

const alert = z.object({
  id: z.number().int(),
  ruleId: z.string(),
  assetId: z.string(),
  signal: z.string().describe('`prediction` or a feature name'),
  severity: z.enum(ALERT_SEVERITIES),
  priority,
  direction: z.enum(['low', 'high']),
  limit: z.number(),
  value: z.number().describe('the value that raised it'),
  peak: z.number().describe('furthest past the limit while open'),
  state,
  raisedAt: z.number().describe('epoch ms (point time)'),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  ackComment: z.string().nullable(),
  returnedAt: z.number().nullable().describe('when the condition returned to normal; null while active'),
  clearedAt: z.number().nullable().describe('when the alarm closed (returned and acknowledged)'),
  shelf: z
    .object({
      kind: z.enum(['one_shot', 'timed']),
      until: z.number().nullable(),
      by: z.string(),
      reason: z.string(),
    })
    .nullable(),
});
const journalEntry = z.object({
  id: z.number().int(),
  alarmId: z.number().int(),
  ruleId: z.string(),
  assetId: z.string(),
  signal: z.string(),
  priority,
  event: z.enum([
    'raised',
    'acknowledged',
    'returned',
    'cleared',
    'shelved',
    'unshelved',
    'shelf_expired',
    'out_of_service',
    'returned_to_service',
  ]),
  stateAfter: state,
  who: z.string().describe('a user name, or `system` (the engine)'),
  comment: z.string().nullable(),
  at: z.number().describe('epoch ms'),
});
const outOfServiceEntry = z.object({
  scope: z.enum(['rule', 'asset']),
  target: z.string().describe('the rule id or the asset id'),
  reason: z.string(),
  by: z.string(),
  since: z.number(),
});
const alarmNotFound = { description: 'No such alarm', schema: errorBodySchema };
const rule = z.object({
  id: z.string(),
  assetId: z.string(),
  signal: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  priority: priority.describe('copied onto each alarm; default from the severity (critical: high, warning: medium)'),
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
    'Query: `state` (one ISA-18.2 state; `open` = active_unacked + active_acked + rtn_unacked, what operators see; `unacked` = active_unacked + rtn_unacked, what the badge counts; `visible` = all but shelved and out of service; `any_open` = all but normal), `assetId`, `ruleId`, `severity` (warning, critical), `priority` (low, medium, high, urgent), `limit` (1-1000, default 100), `before` (an alert id: the next page starts below it; the answer’s `nextBefore`). Input drift alerts have `assetId` `plant` and `signal` `drift:<feature>` (value = PSI). An open alert’s `peak` is the live one.',
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
  summary: 'Acknowledge an unacknowledged alarm (records who, when and the optional comment)',
  description:
    'active_unacked -> active_acked; rtn_unacked -> normal (closed). The body is optional (`{}` or none). Audited, journaled and broadcast as `alert:updated`.',
  role: 'operator',
  params: { id: 'Alert id' },
  body: ackSchema,
  responses: {
    200: { description: 'Acknowledged', schema: z.object({ alert }) },
    404: { description: 'No such alert', schema: errorBodySchema },
    409: {
      description:
        'Already closed (`alert_cleared`), acknowledged (`already_acknowledged`), shelved (`alarm_shelved`) or out of service (`out_of_service`)',
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
registerOperation({
  method: 'post',
  path: '/api/v1/alerts/{id}/shelve',
  tag: 'alarms',
  summary: 'Shelve an active alarm: one-shot (`durationSeconds: null`, until it returns to normal) or timed',
  description:
    'A reason is required. `durationSeconds` from 10 up to the admin’s maximum (`GET /api/v1/alarms/settings`, default 8 h): a longer one is a 400 naming `durationSeconds`. The alarm leaves the operators’ list and the badge; a timed shelf that runs out while the condition is active brings it back as active_unacked. Audited and journaled.',
  role: 'operator',
  params: { id: 'Alarm id' },
  body: alarmShelveSchema,
  responses: {
    200: { description: 'Shelved', schema: z.object({ alert }) },
    404: alarmNotFound,
    409: { description: 'Not active (`not_active`), already shelved or out of service', schema: errorBodySchema },
  },
});
registerOperation({
  method: 'post',
  path: '/api/v1/alerts/{id}/unshelve',
  tag: 'alarms',
  summary: 'Unshelve an alarm by hand (it is then active_acked)',
  description: 'A JSON body is required: `{}` or `{comment}` (a form post is refused). Audited and journaled.',
  role: 'operator',
  params: { id: 'Alarm id' },
  body: commentSchema,
  responses: {
    200: { description: 'Unshelved', schema: z.object({ alert }) },
    404: alarmNotFound,
    409: { description: 'Not shelved (`not_shelved`)', schema: errorBodySchema },
  },
});
const journalQuery =
  'Query: `asset`, `rule` (id), `priority`, `event` (raised, acknowledged, returned, cleared, shelved, unshelved, shelf_expired, out_of_service, returned_to_service, suppressed, unsuppressed), `from`/`to` (ISO 8601 or epoch ms, inclusive)';
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/journal',
  tag: 'alarms',
  summary: 'The alarm journal: every transition with who, when and the state after it, newest first',
  description: `${journalQuery}, \`limit\` (1-1000, default 100), \`cursor\` (the answer’s \`nextCursor\`). A bad value is a 400 naming the field.`,
  role: 'viewer',
  responses: {
    200: {
      description: 'Journal entries',
      schema: z.object({ entries: z.array(journalEntry), nextCursor: z.number().int().nullable() }),
    },
  },
});
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/journal.csv',
  tag: 'alarms',
  summary: 'The alarm journal as CSV (streamed, every matching entry)',
  description: `${journalQuery}. Columns: at (UTC), event, state_after, priority, asset_id, signal, alarm_id, rule_id, who, comment.`,
  role: 'viewer',
  responses: { 200: { description: 'CSV attachment', schema: z.string(), contentType: 'text/csv' } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/settings',
  tag: 'alarms',
  summary: 'Alarm settings: the maximum shelving time (seconds)',
  role: 'viewer',
  responses: { 200: { description: 'Settings', schema: z.object({ maxShelveSeconds: z.number().int() }) } },
});
registerOperation({
  method: 'put',
  path: '/api/v1/alarms/settings',
  tag: 'alarms',
  summary: 'Set the maximum shelving time (seconds, 10 to 7 days); audited',
  role: 'admin',
  body: alarmSettingsSchema,
  responses: { 200: { description: 'Stored', schema: z.object({ maxShelveSeconds: z.number().int() }) } },
});
registerOperation({
  method: 'get',
  path: '/api/v1/alarms/out-of-service',
  tag: 'alarms',
  summary: 'Rules and assets out of service, and the alarms they hold back',
  role: 'viewer',
  responses: {
    200: {
      description: 'Out of service',
      schema: z.object({ entries: z.array(outOfServiceEntry), alarms: z.array(alert) }),
    },
  },
});
for (const [scope, path, param] of [
  ['rule', '/api/v1/alert-rules/{id}', 'Rule id (uuid)'],
  ['asset', '/api/v1/assets/{id}', 'Asset id'],
] as const) {
  registerOperation({
    method: 'post',
    path: `${path}/out-of-service`,
    tag: 'alarms',
    summary: `Take the ${scope} out of service (a reason is required)`,
    description: `Nothing is raised for the ${scope} meanwhile; its open alarms go out_of_service (hidden from operators, listed by \`GET /api/v1/alarms/out-of-service\`). Audited and journaled.`,
    role: 'admin',
    params: { id: param },
    body: outOfServiceSchema,
    responses: {
      200: {
        description: 'Out of service, with the alarms it holds back',
        schema: z.object({ entry: outOfServiceEntry, alarms: z.array(alert) }),
      },
      404: { description: `No such ${scope}`, schema: errorBodySchema },
      409: { description: 'Already out of service (`already_out_of_service`)', schema: errorBodySchema },
    },
  });
  registerOperation({
    method: 'post',
    path: `${path}/return-to-service`,
    tag: 'alarms',
    summary: `Return the ${scope} to service`,
    description:
      'Evaluated again from the next point; its alarms go back to the state they had (unless the other scope still keeps them out). JSON body `{}` or `{comment}` (required: a form post is refused). Audited and journaled.',
    role: 'admin',
    params: { id: param },
    body: commentSchema,
    responses: {
      200: { description: 'The alarms back in service', schema: z.object({ alarms: z.array(alert) }) },
      404: { description: `No such ${scope}`, schema: errorBodySchema },
      409: { description: 'Not out of service (`in_service`)', schema: errorBodySchema },
    },
  });
}
