import { createAuthChanges, type AuthChanges } from './auth-changes';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from './client';
import { users, type Role } from './schema';
import { DomainError } from '../errors/domain-error';

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  /** Sessions and login tokens issued under another generation are revoked. */
  sessionGeneration: number;
}

/** A user together with the hash, for the one place that checks passwords. */
export interface UserWithHash extends User {
  passwordHash: string;
}

export class UsernameTakenError extends DomainError {
  constructor(readonly username: string) {
    super({
      status: 409,
      code: 'conflict',
      message: `username "${username}" is already taken`,
      fields: [{ field: 'username', message: 'username is already taken' }],
    });
    this.name = 'UsernameTakenError';
  }
}

export class UserNotFoundError extends DomainError {
  constructor(readonly username: string) {
    super({ status: 404, code: 'not_found', message: `no user "${username}"`, publicMessage: 'no such user' });
    this.name = 'UserNotFoundError';
  }
}

export class LastAdminError extends DomainError {
  constructor() {
    super({
      status: 409,
      code: 'last_admin',
      message: 'the last active admin cannot be disabled or demoted',
      publicMessage: 'The last active admin cannot be disabled or demoted',
    });
    this.name = 'LastAdminError';
  }
}

const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
  sessionGeneration: users.sessionGeneration,
};
const nextGeneration = sql`${users.sessionGeneration} + 1`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Users table access. Usernames are case-insensitive: stored lower-case. */
/** `changes` is bumped on every change of a role, a disabled flag or a session generation. */
export function usersRepo(db: Db, changes: AuthChanges = createAuthChanges()) {
  const normalize = (username: string) => username.trim().toLowerCase();

  async function countActiveAdmins(excludingId?: string): Promise<number> {
    const where = excludingId
      ? and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, excludingId))
      : and(eq(users.role, 'admin'), eq(users.disabled, false));
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(where);
    return row?.n ?? 0;
  }

  async function requireUser(username: string): Promise<User> {
    const [row] = await db
      .select(publicColumns)
      .from(users)
      .where(eq(users.username, normalize(username)));
    if (!row) throw new UserNotFoundError(username);
    return row;
  }

  return {
    async create(input: {
      username: string;
      passwordHash: string;
      role: Role;
      displayName?: string | null;
    }): Promise<User> {
      const rows = await db
        .insert(users)
        .values({
          username: normalize(input.username),
          passwordHash: input.passwordHash,
          role: input.role,
          displayName: input.displayName ?? null,
        })
        .onConflictDoNothing({ target: users.username })
        .returning(publicColumns);
      const row = rows[0];
      if (!row) throw new UsernameTakenError(normalize(input.username));
      return row;
    },

    async findByUsername(username: string): Promise<UserWithHash | null> {
      const [row] = await db
        .select({ ...publicColumns, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.username, normalize(username)));
      return row ?? null;
    },

    async findById(id: string): Promise<User | null> {
      const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
      return row ?? null;
    },

    async list(): Promise<User[]> {
      return db.select(publicColumns).from(users).orderBy(asc(users.username));
    },

    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },

    /** Changes a role; refuses to demote the last active admin. */
    async setRole(username: string, role: Role): Promise<User> {
      const user = await requireUser(username);
      const changed = await db.transaction(async (tx) => {
        if (
          user.role === 'admin' &&
          role !== 'admin' &&
          !user.disabled &&
          (await usersRepo(tx as unknown as Db).countActiveAdmins(user.id)) === 0
        ) {
          throw new LastAdminError();
        }
        const [row] = await tx
          .update(users)
          .set({ role, updatedAt: new Date() })
          .where(eq(users.id, user.id))
          .returning(publicColumns);
        return row!;
      });
      changes.bump();
      return changed;
    },

    /** Disables or re-enables a user; refuses to disable the last active admin. */
    async setDisabled(username: string, disabled: boolean): Promise<User> {
      const user = await requireUser(username);
      const changed = await db.transaction(async (tx) => {
        if (
          disabled &&
          user.role === 'admin' &&
          !user.disabled &&
          (await usersRepo(tx as unknown as Db).countActiveAdmins(user.id)) === 0
        ) {
          throw new LastAdminError();
        }
        const [row] = await tx
          .update(users)
          // Disabling also revokes every session: re-enabling must not bring old cookies back.
          .set({ disabled, updatedAt: new Date(), ...(disabled ? { sessionGeneration: nextGeneration } : {}) })
          .where(eq(users.id, user.id))
          .returning(publicColumns);
        return row!;
      });
      changes.bump();
      return changed;
    },

    async setPasswordHash(username: string, passwordHash: string): Promise<User> {
      const user = await requireUser(username);
      const now = new Date();
      const [row] = await db
        .update(users)
        // A new password ends every session and login token issued before it.
        .set({ passwordHash, passwordChangedAt: now, updatedAt: now, sessionGeneration: nextGeneration })
        .where(eq(users.id, user.id))
        .returning(publicColumns);
      changes.bump();
      return row!;
    },

    /** Ends every session and login token of the user (bumps the session generation). */
    async revokeSessions(id: string): Promise<User> {
      const [row] = UUID.test(id)
        ? await db
            .update(users)
            .set({ sessionGeneration: nextGeneration, updatedAt: new Date() })
            .where(eq(users.id, id))
            .returning(publicColumns)
        : [];
      if (!row) throw new UserNotFoundError(id);
      changes.bump();
      return row;
    },

    /** Sets or clears the display name shown in the console. */
    async setDisplayName(username: string, displayName: string | null): Promise<User> {
      const user = await requireUser(username);
      const [row] = await db
        .update(users)
        .set({ displayName, updatedAt: new Date() })
        .where(eq(users.id, user.id))
        .returning(publicColumns);
      return row!;
    },

    /** A user by id together with the hash, for checking a user's own current password. */
    async findByIdWithHash(id: string): Promise<UserWithHash | null> {
      const [row] = await db
        .select({ ...publicColumns, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.id, id));
      return row ?? null;
    },

    async recordLogin(id: string): Promise<void> {
      await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, id));
    },

    /**
     * The user's chosen display time zone (IANA name), null for "the browser's", undefined when
     * there is no such user. Ids that are not UUIDs (no such row) are answered without a query.
     */
    async getTimeZone(id: string): Promise<string | null | undefined> {
      if (!UUID.test(id)) return undefined;
      const [row] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, id));
      return row ? row.timeZone : undefined;
    },

    /** Sets (or clears, with null) the display time zone; false when there is no such user. */
    async setTimeZone(id: string, timeZone: string | null): Promise<boolean> {
      if (!UUID.test(id)) return false;
      const rows = await db
        .update(users)
        .set({ timeZone, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning({ id: users.id });
      return rows.length > 0;
    },

    /** The user's fixed y-axis ranges by signal ({} = all auto), undefined when there is no such user. */
    async getChartAxes(id: string): Promise<Record<string, { min: number; max: number }> | undefined> {
      if (!UUID.test(id)) return undefined;
      const [row] = await db.select({ axes: users.chartAxes }).from(users).where(eq(users.id, id));
      return row ? (row.axes ?? {}) : undefined;
    },

    /** Replaces the fixed y-axis ranges ({} = all auto); false when there is no such user. */
    async setChartAxes(id: string, axes: Record<string, { min: number; max: number }>): Promise<boolean> {
      if (!UUID.test(id)) return false;
      const rows = await db
        .update(users)
        .set({ chartAxes: Object.keys(axes).length ? axes : null, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning({ id: users.id });
      return rows.length > 0;
    },

    countActiveAdmins,
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
