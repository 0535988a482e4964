import { z } from 'zod';
import type { AuditRepo } from '../db/audit-repo';
import type { Role } from '../db/schema';
import type { UsersRepo } from '../db/users-repo';
import type { LoginThrottle } from './login-throttle';
import { PASSWORD_MAX_LENGTH, dummyPasswordHash, verifyPassword } from './password';

export const USERNAME_MAX_LENGTH = 64;

/** One schema for the login form, the next-auth provider and the token endpoint. */
export const loginSchema = z.object({
  username: z
    .string({ error: 'username is required' })
    .trim()
    .min(1, 'username is required')
    .max(USERNAME_MAX_LENGTH, `username must be at most ${USERNAME_MAX_LENGTH} characters`),
  password: z
    .string({ error: 'password is required' })
    .min(1, 'password is required')
    .max(PASSWORD_MAX_LENGTH, `password must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  sessionGeneration: number;
}

export type LoginResult =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; reason: 'bad_input'; message: string; field: 'username' | 'password' }
  | { ok: false; reason: 'invalid'; message: string }
  | { ok: false; reason: 'throttled'; message: string; retryAfterSeconds: number };

export const INVALID_CREDENTIALS = 'Invalid username or password';

/**
 * Checks a username/password pair: input bounds, throttling, argon2id verification, disabled
 * accounts; every attempt lands in the audit log. Never says whether the username exists.
 */
export function createLoginService(deps: { users: UsersRepo; audit: AuditRepo; throttle: LoginThrottle }) {
  const { users, audit, throttle } = deps;
  return {
    async authenticate(raw: unknown, address: string, via: 'console' | 'api' = 'console'): Promise<LoginResult> {
      const parsed = loginSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path[0] === 'password' ? 'password' : 'username';
        return { ok: false, reason: 'bad_input', field, message: issue?.message ?? 'invalid login' };
      }
      const username = parsed.data.username.toLowerCase();
      const record = (outcome: 'success' | 'failure' | 'denied', details: Record<string, unknown>) =>
        audit.record({ actor: username, action: 'auth.login', outcome, address, details: { via, ...details } });

      const wait = await throttle.retryAfter(username, address);
      if (wait > 0) {
        await record('denied', { reason: 'throttled', retryAfterSeconds: wait });
        return {
          ok: false,
          reason: 'throttled',
          retryAfterSeconds: wait,
          message: `Too many failed attempts. Try again in ${wait} s.`,
        };
      }

      const user = await users.findByUsername(username);
      const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), parsed.data.password);
      if (!user || !passwordOk || user.disabled) {
        await throttle.recordFailure(username, address);
        await record('failure', { reason: !user ? 'unknown_user' : !passwordOk ? 'bad_password' : 'disabled' });
        return { ok: false, reason: 'invalid', message: INVALID_CREDENTIALS };
      }
      await throttle.recordSuccess(username);
      await users.recordLogin(user.id);
      await record('success', {});
      return {
        ok: true,
        user: {
          id: user.id,
          username: user.username,
          displayName: user.displayName,
          role: user.role,
          sessionGeneration: user.sessionGeneration,
        },
      };
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
