/**
 * Input schemas of the administration API (users, API keys, audit, own password): one source for
 * the route handlers and the OpenAPI document. Messages name the rule broken, since the console
 * shows them next to the field.
 */
import { z } from 'zod';
import { OUTCOMES } from '../db/schema';
import { MAX_KEY_DAYS, DEFAULT_KEY_DAYS } from './api-keys';
import { USERNAME_MAX_LENGTH } from './login';
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password';
import { ROLES } from './roles';

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]+$/;
export const DISPLAY_NAME_MAX_LENGTH = 100;
export const KEY_NAME_MAX_LENGTH = 100;

export const usernameSchema = z
  .string({ error: 'username is required' })
  .trim()
  .min(1, 'username is required')
  .max(USERNAME_MAX_LENGTH, `username must be at most ${USERNAME_MAX_LENGTH} characters`)
  .regex(USERNAME_PATTERN, 'username may contain only letters, digits and . _ @ -');

/** A new password: the same rules as the CLI (`passwordProblem`). */
export const newPasswordSchema = z.string({ error: 'password is required' }).superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const roleSchema = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` });
const displayNameSchema = z
  .string({ error: 'displayName must be text or null' })
  .trim()
  .max(DISPLAY_NAME_MAX_LENGTH, `displayName must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`)
  .transform((s) => (s === '' ? null : s))
  .nullable();

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  password: newPasswordSchema,
  role: roleSchema.default('viewer'),
  displayName: displayNameSchema.optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .strictObject({
    role: roleSchema.optional(),
    disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
    displayName: displayNameSchema.optional(),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined || v.displayName !== undefined, {
    message: 'send at least one of role, disabled, displayName',
  });
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const resetPasswordSchema = z.strictObject({ password: newPasswordSchema });

export const changeOwnPasswordSchema = z.strictObject({
  currentPassword: z
    .string({ error: 'currentPassword is required' })
    .min(1, 'currentPassword is required')
    .max(PASSWORD_MAX_LENGTH, `currentPassword must be at most ${PASSWORD_MAX_LENGTH} characters`),
  newPassword: newPasswordSchema,
});

export const createKeySchema = z.strictObject({
  username: usernameSchema,
  days: z
    .number({ error: 'days must be a number' })
    .int('days must be a whole number')
    .min(1, 'days must be at least 1')
    .max(MAX_KEY_DAYS, `days must be at most ${MAX_KEY_DAYS}`)
    .default(DEFAULT_KEY_DAYS),
  name: z
    .string({ error: 'name must be text' })
    .trim()
    .max(KEY_NAME_MAX_LENGTH, `name must be at most ${KEY_NAME_MAX_LENGTH} characters`)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional(),
});
export type CreateKeyInput = z.infer<typeof createKeySchema>;

const dateParam = (name: string) =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), `${name} must be a date and time (ISO 8601)`)
    .transform((s) => new Date(s));

/** Query string of `GET /api/v1/admin/audit` (every value arrives as text). */
export const auditQuerySchema = z
  .strictObject({
    actor: z
      .string()
      .trim()
      .min(1, 'actor must not be empty')
      .max(200, 'actor must be at most 200 characters')
      .optional(),
    action: z
      .string()
      .trim()
      .min(1, 'action must not be empty')
      .max(100, 'action must be at most 100 characters')
      .optional(),
    outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }).optional(),
    from: dateParam('from').optional(),
    to: dateParam('to').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(500, 'limit must be at most 500')
      .default(50),
    cursor: z.coerce
      .number({ error: 'cursor must be a number' })
      .int('cursor must be a whole number')
      .positive('cursor must be positive')
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from.getTime() <= q.to.getTime(), {
    message: 'from must not be after to',
    path: ['from'],
  });
