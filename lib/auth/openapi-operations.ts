/**
 * OpenAPI operations of sign-in, administration (users, API keys, audit) and the caller's own password.
 * Declared with the same zod schemas the handlers validate with; lib/api/operations.ts gathers
 * every module's operations into the document.
 */
import { z } from 'zod';
import { errorBodySchema, registerOperation } from '../api/openapi';
import {
  changeOwnPasswordSchema,
  createKeySchema,
  createUserSchema,
  resetPasswordSchema,
  updateUserSchema,
} from './admin-schemas';
import { loginSchema } from './login';
import { ROLES } from './roles';

const role = z.enum(ROLES);
const anyObject = z.looseObject({});

const loginResponse = z.object({
  token: z.string().describe('Bearer token, valid 24 h: send as `Authorization: Bearer <token>`'),
  expiresAt: z.iso.datetime(),
  user: z.object({ username: z.string(), name: z.string(), role }),
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
    401: { description: 'Invalid username or password', schema: errorBodySchema },
    429: { description: 'Too many failed attempts; Retry-After says when to retry', schema: errorBodySchema },
  },
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
  404: { description: 'No such user', schema: errorBodySchema },
  409: { description: 'The last active admin cannot be disabled or demoted', schema: errorBodySchema },
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
    409: { description: 'Username taken', schema: errorBodySchema },
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
    409: { description: 'The owner is disabled', schema: errorBodySchema },
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
    404: { description: 'No such key', schema: errorBodySchema },
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
    400: {
      description: 'Wrong current password (field currentPassword) or a refused new one',
      schema: errorBodySchema,
    },
    429: {
      description: 'Too many wrong current passwords (counted with failed logins); Retry-After says when to retry',
      schema: errorBodySchema,
    },
  },
});
