/**
 * Database schema (drizzle). Migrations in lib/db/migrations are generated from this file with
 * `npm run db:generate` and applied at start by `openDatabase`.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, doublePrecision, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name'),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<Role>().notNull().default('viewer'),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('viewer', 'operator', 'admin')`)],
);

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor'),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome').$type<Outcome>().notNull(),
    address: text('address'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actor, t.at)],
);

/**
 * Every scored reading (point), written in batches by the pipeline. `values` holds the model's
 * features by name, so a model with other features needs no migration.
 */
export const telemetry = pgTable(
  'telemetry',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    assetId: text('asset_id').notNull(),
    ts: timestamp('ts', { withTimezone: true, precision: 3 }).notNull(),
    values: jsonb('values').$type<Record<string, number>>().notNull(),
    prediction: doublePrecision('prediction'),
    lower: doublePrecision('lower'),
    upper: doublePrecision('upper'),
    actual: doublePrecision('actual'),
    modelVersion: text('model_version'),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [index('telemetry_asset_ts_idx').on(t.assetId, t.ts)],
);

/**
 * API keys for machine clients. Only the SHA-256 of the full key is stored (see
 * lib/auth/api-keys.ts); `prefix` is the visible part used to list and revoke. The key carries no
 * role of its own: its owner's current role applies at each use, and a disabled owner's keys stop
 * working.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull().unique(),
    name: text('name'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_user_idx').on(t.userId)],
);
