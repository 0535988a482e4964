/**
 * The alert API's inputs, one zod schema each: used by the route handlers, the OpenAPI document
 * and the rules editor alike.
 */
import { z } from 'zod';
import { ALARM_PRIORITIES, ALERT_SEVERITIES, ALERT_STATES, JOURNAL_EVENTS } from './alarm-vocabulary';
import { MAX_MAX_SHELVE_SECONDS, MAX_MIN_DURATION_MS, MAX_SHELVE_MINUTES, MIN_SHELVE_SECONDS } from './limits';

const priorityEnum = z.enum(ALARM_PRIORITIES, { error: 'must be low, medium, high or urgent' });
const STATES = ALERT_STATES;
const EVENTS = JOURNAL_EVENTS;

const limit = z.number({ error: 'must be a number or null' }).finite('must be finite').nullable();

/** A whole rule's editable fields (PUT). Cross-field checks (low < high, deadband) follow on the merged rule. */
export const ruleBodySchema = z.strictObject({
  severity: z.enum(ALERT_SEVERITIES, { error: `must be ${ALERT_SEVERITIES.join(' or ')}` }),
  /** Optional on PUT too: a client of the first round sends none and the priority stays. */
  priority: priorityEnum.optional(),
  low: limit,
  high: limit,
  deadband: z.number({ error: 'must be a number' }).finite('must be finite').min(0, 'must be 0 or more'),
  minDurationMs: z
    .number({ error: 'must be a number' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .max(MAX_MIN_DURATION_MS, `must be at most ${MAX_MIN_DURATION_MS} (1 h)`),
  enabled: z.boolean({ error: 'must be true or false' }),
});

/** Some of a rule's fields (PATCH). */
export const rulePatchSchema = ruleBodySchema
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one field to change' });

export const shelveSchema = z.strictObject({
  minutes: z
    .number({ error: 'minutes is required (a number)' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_SHELVE_MINUTES, `must be at most ${MAX_SHELVE_MINUTES} (7 days)`),
});

export const ackSchema = z.strictObject({
  comment: z.string({ error: 'must be a string' }).trim().max(500, 'must be at most 500 characters').optional(),
});

/** GET /api/v1/alerts query string. */
export const alertQuerySchema = z.strictObject({
  state: z
    .enum([...STATES, 'open', 'unacked', 'any_open', 'visible'], {
      error: `must be ${STATES.join(', ')}, open (what operators see), unacked, any_open or visible`,
    })
    .optional(),
  assetId: z.string().min(1).max(100).optional(),
  ruleId: z.string().uuid('must be a rule id (uuid)').optional(),
  severity: z.enum(ALERT_SEVERITIES, { error: `must be ${ALERT_SEVERITIES.join(' or ')}` }).optional(),
  priority: priorityEnum.optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .optional(),
  before: z.coerce
    .number({ error: 'must be an alert id' })
    .int('must be an alert id')
    .positive('must be an alert id')
    .optional(),
});

/** POST /api/v1/alerts/:id/shelve. The maximum duration is the admin's setting, checked by the engine. */
export const alarmShelveSchema = z.strictObject({
  durationSeconds: z
    .number({ error: 'must be a number of seconds, or null for one-shot (until it returns to normal)' })
    .int('must be a whole number of seconds')
    .min(MIN_SHELVE_SECONDS, `must be at least ${MIN_SHELVE_SECONDS}`)
    .nullable(),
  reason: z
    .string({ error: 'reason is required (a string)' })
    .trim()
    .min(1, 'reason is required')
    .max(500, 'must be at most 500 characters'),
});

/** An optional comment (unshelve, return to service). */
export const commentSchema = z.strictObject({
  comment: z.string({ error: 'must be a string' }).trim().max(500, 'must be at most 500 characters').optional(),
});

/** POST .../out-of-service. */
export const outOfServiceSchema = z.strictObject({
  reason: z
    .string({ error: 'reason is required (a string)' })
    .trim()
    .min(1, 'reason is required')
    .max(500, 'must be at most 500 characters'),
});

/** PUT /api/v1/alarms/settings. */
export const alarmSettingsSchema = z.strictObject({
  maxShelveSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_SHELVE_SECONDS, `must be at least ${MIN_SHELVE_SECONDS}`)
    .max(MAX_MAX_SHELVE_SECONDS, `must be at most ${MAX_MAX_SHELVE_SECONDS} (7 days)`),
});

const epochOrIso = z.string().transform((v, ctx) => {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch ms' });
    return z.NEVER;
  }
  return n;
});

/** GET /api/v1/alarms/journal (and .csv) query string. */
export const journalQuerySchema = z.strictObject({
  asset: z.string().min(1).max(100).optional(),
  rule: z.string().uuid('must be a rule id (uuid)').optional(),
  priority: priorityEnum.optional(),
  event: z.enum(EVENTS, { error: `must be one of ${EVENTS.join(', ')}` }).optional(),
  from: epochOrIso.optional(),
  to: epochOrIso.optional(),
  cursor: z.coerce
    .number({ error: 'must be a journal entry id' })
    .int('must be a journal entry id')
    .positive('must be a journal entry id')
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .optional(),
});

export const ruleQuerySchema = z.strictObject({ assetId: z.string().min(1).max(100).optional() });
