/**
 * User and API-key administration, shared by the admin API and the users CLI so both apply the
 * same rules (password rules, last active admin kept) and audit the same way: every change
 * records who did it, to whom, from which address and what changed.
 *
 * `onUserChanged` lets the running console react at once (forget the cached user state, close a
 * disabled user's sockets); the CLI runs in another process and passes nothing.
 */
import type { ApiKey, ApiKeysRepo } from '../db/api-keys-repo';
import type { AuditRepo } from '../db/audit-repo';
import { UserNotFoundError, type User, type UsersRepo } from '../db/users-repo';
import { issueApiKey } from './api-keys';
import type { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import type { Role } from './roles';
import { DomainError } from '../errors/domain-error';

/** Who asks for a change: a username (`cli` for the CLI) and the address it came from. */
export interface Actor {
  username: string;
  address?: string | null;
}

export class WrongPasswordError extends DomainError {
  constructor() {
    super({
      status: 400,
      code: 'wrong_password',
      message: 'current password is wrong',
      publicMessage: 'The current password is wrong',
      fields: [{ field: 'currentPassword', message: 'current password is wrong' }],
    });
    this.name = 'WrongPasswordError';
  }
}

export class PasswordThrottledError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super({
      status: 429,
      code: 'too_many_requests',
      message: `Too many wrong passwords. Try again in ${retryAfterSeconds} s.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
    this.name = 'PasswordThrottledError';
  }
}

export class UserDisabledError extends DomainError {
  constructor(readonly username: string) {
    const message = `${username} is disabled; enable the user first`;
    super({ status: 409, code: 'user_disabled', message, fields: [{ field: 'username', message }] });
    this.name = 'UserDisabledError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserAdminDeps {
  users: UsersRepo;
  audit: AuditRepo;
  keys: ApiKeysRepo;
  /** Called after any change to a user (role, state, name, password). */
  onUserChanged?: (user: User) => void;
  /**
   * The login throttle: wrong current passwords count as failed logins, so a borrowed session
   * cannot be used to guess the password faster than the login form allows.
   */
  throttle?: LoginThrottle;
}

export function createUserAdmin(deps: UserAdminDeps) {
  const { users, audit, keys } = deps;
  const changed = (user: User) => {
    deps.onUserChanged?.(user);
    return user;
  };
  const record = (actor: Actor, action: string, target: string, details?: Record<string, unknown>) =>
    audit.record({
      actor: actor.username,
      action,
      target,
      outcome: 'success',
      address: actor.address ?? null,
      details: details ?? null,
    });

  /** A user by id; a malformed id is simply not found (never a database error). */
  async function requireById(id: string): Promise<User> {
    const user = UUID.test(id) ? await users.findById(id) : null;
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  async function requireByUsername(username: string): Promise<User> {
    const user = await users.findByUsername(username);
    if (!user) throw new UserNotFoundError(username);
    return user;
  }

  return {
    requireById,

    /** Creates a user (UsernameTakenError on a duplicate). The password is already validated. */
    async createUser(
      actor: Actor,
      input: { username: string; password: string; role: Role; displayName?: string | null },
    ): Promise<User> {
      const user = await users.create({
        username: input.username,
        passwordHash: await hashPassword(input.password),
        role: input.role,
        displayName: input.displayName ?? null,
      });
      await record(actor, 'user.create', user.username, { role: user.role });
      return user;
    },

    /** Changes a role (LastAdminError for the last active admin). */
    async setRole(actor: Actor, username: string, role: Role): Promise<User> {
      const before = await requireByUsername(username);
      const user = await users.setRole(username, role);
      await record(actor, 'user.set-role', user.username, { role, previous: before.role });
      return changed(user);
    },

    /** Disables or enables (LastAdminError when disabling the last active admin). */
    async setDisabled(actor: Actor, username: string, disabled: boolean): Promise<User> {
      const user = await users.setDisabled(username, disabled);
      await record(actor, disabled ? 'user.disable' : 'user.enable', user.username);
      return changed(user);
    },

    async setDisplayName(actor: Actor, username: string, displayName: string | null): Promise<User> {
      const user = await users.setDisplayName(username, displayName);
      await record(actor, 'user.rename', user.username, { displayName });
      return changed(user);
    },

    /**
     * Applies a partial update by id. The last-admin check runs before anything is written when
     * the change would demote or disable, so a refused update changes nothing.
     */
    async updateUser(
      actor: Actor,
      id: string,
      patch: { role?: Role; disabled?: boolean; displayName?: string | null },
    ): Promise<User> {
      let user = await requireById(id);
      if (patch.role !== undefined && patch.role !== user.role)
        user = await this.setRole(actor, user.username, patch.role);
      if (patch.disabled !== undefined && patch.disabled !== user.disabled)
        user = await this.setDisabled(actor, user.username, patch.disabled);
      if (patch.displayName !== undefined && patch.displayName !== user.displayName)
        user = await this.setDisplayName(actor, user.username, patch.displayName);
      return user;
    },

    /** An admin sets someone's password (the password is already validated). */
    async resetPassword(actor: Actor, username: string, password: string): Promise<User> {
      await requireByUsername(username);
      const user = await users.setPasswordHash(username, await hashPassword(password));
      await record(actor, 'user.reset-password', user.username);
      return changed(user);
    },

    /** A user changes their own password; the current one must be right (audited either way). */
    async changeOwnPassword(
      actor: Actor & { userId: string },
      currentPassword: string,
      newPassword: string,
    ): Promise<User> {
      const user = UUID.test(actor.userId) ? await users.findByIdWithHash(actor.userId) : null;
      if (!user) throw new UserNotFoundError(actor.username);
      const address = actor.address ?? 'unknown';
      const wait = (await deps.throttle?.retryAfter(user.username, address)) ?? 0;
      if (wait > 0) {
        await audit.record({
          actor: user.username,
          action: 'user.change-password',
          target: user.username,
          outcome: 'denied',
          address: actor.address ?? null,
          details: { reason: 'throttled', retryAfterSeconds: wait },
        });
        throw new PasswordThrottledError(wait);
      }
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        await deps.throttle?.recordFailure(user.username, address);
        await audit.record({
          actor: user.username,
          action: 'user.change-password',
          target: user.username,
          outcome: 'failure',
          address: actor.address ?? null,
          details: { reason: 'wrong_current_password' },
        });
        throw new WrongPasswordError();
      }
      await deps.throttle?.recordSuccess(user.username);
      const updated = await users.setPasswordHash(user.username, await hashPassword(newPassword));
      await record({ username: user.username, address: actor.address }, 'user.change-password', user.username);
      return changed(updated);
    },

    /** Issues a key for an enabled user; the returned `key` is shown once. */
    async createKey(
      actor: Actor,
      input: { username: string; days?: number; name?: string | null },
    ): Promise<{ key: string; prefix: string; expiresAt: Date; owner: User }> {
      const owner = await requireByUsername(input.username);
      if (owner.disabled) throw new UserDisabledError(owner.username);
      const created = await issueApiKey(
        { keys, audit },
        {
          userId: owner.id,
          username: owner.username,
          days: input.days,
          name: input.name ?? null,
          actor: actor.username,
          address: actor.address,
        },
      );
      return { ...created, owner };
    },

    /** Revokes a key by prefix (ApiKeyNotFoundError when unknown); idempotent. */
    async revokeKey(actor: Actor, prefix: string): Promise<ApiKey> {
      const key = await keys.revoke(prefix);
      await record(actor, 'apikey.revoke', key.prefix, { owner: key.username });
      return key;
    },
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
