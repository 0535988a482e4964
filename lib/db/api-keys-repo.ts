import { createAuthChanges, type AuthChanges } from './auth-changes';
import { and, asc, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './client';
import { apiKeys, users, type Role } from './schema';
import { DomainError } from '../errors/domain-error';

export interface ApiKey {
  id: string;
  prefix: string;
  name: string | null;
  userId: string;
  username: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A key found by its hash, with what is needed to authorize its use now. */
export interface ApiKeyOwner extends ApiKey {
  role: Role;
  ownerDisabled: boolean;
}

export class ApiKeyNotFoundError extends DomainError {
  constructor(readonly prefix: string) {
    super({
      status: 404,
      code: 'not_found',
      message: `no API key with prefix "${prefix}"`,
      publicMessage: 'no API key with this prefix',
    });
    this.name = 'ApiKeyNotFoundError';
  }
}

const columns = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  name: apiKeys.name,
  userId: apiKeys.userId,
  username: users.username,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/** API keys table access. Stores hashes only; the plain key never reaches this module. */
/** `changes` is bumped when a key is revoked. */
export function apiKeysRepo(db: Db, changes: AuthChanges = createAuthChanges()) {
  return {
    /** Inserts a key; false when the prefix or hash is already taken (caller draws a new key). */
    async create(input: {
      userId: string;
      prefix: string;
      hash: string;
      name?: string | null;
      expiresAt: Date;
    }): Promise<boolean> {
      const rows = await db
        .insert(apiKeys)
        .values({
          userId: input.userId,
          prefix: input.prefix,
          hash: input.hash,
          name: input.name ?? null,
          expiresAt: input.expiresAt,
        })
        .onConflictDoNothing()
        .returning({ id: apiKeys.id });
      return rows.length === 1;
    },

    /** The key with this hash and its owner's current role and state, or null. */
    async findByHash(hash: string): Promise<ApiKeyOwner | null> {
      const [row] = await db
        .select({ ...columns, role: users.role, ownerDisabled: users.disabled })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(eq(apiKeys.hash, hash));
      return row ?? null;
    },

    async findByPrefix(prefix: string): Promise<ApiKey | null> {
      const [row] = await db
        .select(columns)
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(eq(apiKeys.prefix, prefix));
      return row ?? null;
    },

    /** All keys, or one user's (by id), oldest first. */
    async list(userId?: string): Promise<ApiKey[]> {
      return db
        .select(columns)
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(userId ? eq(apiKeys.userId, userId) : undefined)
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.prefix));
    },

    /** All keys with their owner's current role and state, newest first (the admin page's list). */
    async listWithOwners(): Promise<ApiKeyOwner[]> {
      return db
        .select({ ...columns, role: users.role, ownerDisabled: users.disabled })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .orderBy(desc(apiKeys.createdAt), asc(apiKeys.prefix));
    },

    /** Revokes a key (idempotent: the first revocation time is kept). */
    async revoke(prefix: string, at = new Date()): Promise<ApiKey> {
      await db
        .update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)));
      changes.bump();
      const key = await this.findByPrefix(prefix);
      if (!key) throw new ApiKeyNotFoundError(prefix);
      return key;
    },

    /**
     * Sets last-used time unless it was set less than `minIntervalMs` ago (the guard is in the
     * UPDATE, so concurrent requests write once). Returns 'first' on the key's first use ever,
     * 'updated', or 'skipped'.
     */
    async touch(id: string, at = new Date(), minIntervalMs = 60_000): Promise<'first' | 'updated' | 'skipped'> {
      const first = await db
        .update(apiKeys)
        .set({ lastUsedAt: at })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.lastUsedAt)))
        .returning({ id: apiKeys.id });
      if (first.length) return 'first';
      const updated = await db
        .update(apiKeys)
        .set({ lastUsedAt: at })
        .where(
          and(
            eq(apiKeys.id, id),
            or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(at.getTime() - minIntervalMs))),
          ),
        )
        .returning({ id: apiKeys.id });
      return updated.length ? 'updated' : 'skipped';
    },
  };
}

export type ApiKeysRepo = ReturnType<typeof apiKeysRepo>;
