/**
 * The alert API's inputs, one zod schema each: used by the route handlers, the OpenAPI document
 * and the rules editor alike.
 */
import { z } from 'zod';
import { MAX_MIN_DURATION_MS, MAX_SHELVE_MINUTES } from './limits';

const limit = z.number({ error: 'must be a number or null' }).finite('must be finite').nullable();

/** A whole rule's editable fields (PUT). Cross-field checks (low < high, deadband) follow on the merged rule. */
export const ruleBodySchema = z.strictObject({
  severity: z.enum(['warning', 'critical'], { error: 'must be warning or critical' }),
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
    .enum(['active', 'acknowledged', 'cleared', 'open'], { error: 'must be active, acknowledged, cleared or open' })
    .optional(),
  assetId: z.string().min(1).max(100).optional(),
  severity: z.enum(['warning', 'critical'], { error: 'must be warning or critical' }).optional(),
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

export const ruleQuerySchema = z.strictObject({ assetId: z.string().min(1).max(100).optional() });
