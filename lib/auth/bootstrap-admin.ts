import { randomBytes } from 'node:crypto';
import type { AuditRepo } from '../db/audit-repo';
import type { UsersRepo } from '../db/users-repo';
import { hashPassword } from './password';

/**
 * First run: with no user at all, creates `admin` with `ADMIN_PASSWORD` or a generated password.
 * Returns the generated password so the caller prints it exactly once; null when nothing was made.
 */
export async function ensureFirstAdmin(
  users: UsersRepo,
  audit: AuditRepo,
  adminPassword: string | undefined,
): Promise<{ username: string; password: string | null } | null> {
  if ((await users.count()) > 0) return null;
  const password = adminPassword ?? randomBytes(12).toString('base64url');
  await users.create({
    username: 'admin',
    passwordHash: await hashPassword(password),
    role: 'admin',
    displayName: 'Administrator',
  });
  await audit.record({
    actor: 'system',
    action: 'user.create',
    target: 'admin',
    outcome: 'success',
    details: { role: 'admin', firstRun: true },
  });
  return { username: 'admin', password: adminPassword ? null : password };
}
