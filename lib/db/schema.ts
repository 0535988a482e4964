/**
 * Database schema (drizzle). Migrations in lib/db/migrations are generated from this file with
 * `npm run db:generate` and applied at start by `openDatabase`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

import { ROLES, type Role } from '../auth/roles';
import { THEMES, type ThemeName } from '../display/themes';

export { ROLES, type Role };

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
    /** IANA time zone for showing times (e.g. Europe/Berlin); null = the browser's zone. */
    timeZone: text('time_zone'),
    /**
     * Fixed y-axis ranges of the trends by signal (`prediction` or a feature name): `{min, max}`;
     * a signal not in it is auto-scaled. null = all auto (issue 18).
     */
    chartAxes: jsonb('chart_axes').$type<Record<string, { min: number; max: number }>>(),
    /** Display theme (lib/display/themes); null = the default (issue 18). */
    theme: text('theme').$type<ThemeName>(),
    /**
     * Bumped to end every session and login token of the user at once (password change or reset,
     * disable, "log out other sessions"); tokens carry the value they were issued with.
     */
    sessionGeneration: integer('session_generation').notNull().default(0),
  },
  (t) => [
    check('users_role_check', sql`${t.role} in (${sql.raw(ROLES.map((r) => `'${r}'`).join(', '))})`),
    check('users_theme_check', sql`${t.theme} in (${sql.raw(THEMES.map((r) => `'${r}'`).join(', '))})`),
  ],
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
 *
 * On both engines the table is partitioned by range of `ts`, one partition per UTC day plus a
 * DEFAULT one (migration 0015, written by hand: drizzle cannot declare partitioned tables; this
 * is the drizzle view of its columns and indexes). Retention drops whole days
 * (lib/db/telemetry-partitions.ts). A partitioned table's unique indexes must contain `ts`, so
 * `id` (the history export's tie-breaker) is a plain bigserial, unique by its sequence, and the
 * (asset, seq) index is not unique: the stream's seq fence is `asset_streams.last_seq`.
 */
export const telemetry = pgTable(
  'telemetry',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    assetId: text('asset_id').notNull(),
    ts: timestamp('ts', { withTimezone: true, precision: 3 }).notNull(),
    values: jsonb('values').$type<Record<string, number>>().notNull(),
    prediction: doublePrecision('prediction'),
    lower: doublePrecision('lower'),
    upper: doublePrecision('upper'),
    actual: doublePrecision('actual'),
    modelVersion: text('model_version'),
    /**
     * How long the ONNX run that scored the reading took (the batch's time), as streamed live, so
     * a point read back (a new owner's buffer, a client resuming after a failover) equals it.
     */
    inferenceMs: doublePrecision('inference_ms'),
    flags: text('flags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * Clustered mode (issue 16): the point's per-asset stream sequence number, stored in the same
     * transaction that commits it, so a new owner continues from the stored maximum. Null in the
     * embedded mode and for late readings (never streamed).
     */
    seq: bigint('seq', { mode: 'number' }),
    /** Clustered mode: committed by a non-owner, waiting for the asset's owner to score and stream it. */
    pending: boolean('pending').notNull().default(false),
  },
  (t) => [
    // Unique: an at-least-once sender's retry of (asset, ts) is one row (ingest is idempotent).
    uniqueIndex('telemetry_asset_ts_uq').on(t.assetId, t.ts),
    // Finds the resume point and a mirror's gap (the fence against two owners is asset_streams.last_seq).
    index('telemetry_asset_seq_idx')
      .on(t.assetId, t.seq)
      .where(sql`${t.seq} is not null`),
    index('telemetry_pending_idx')
      .on(t.assetId, t.ts)
      .where(sql`${t.pending}`),
  ],
);

/**
 * Clustered mode (issue 16): each asset's stream identity. The epoch changes only when sequence
 * continuity cannot be proven, so a client keeps resuming by seq across owners and restarts.
 */
export const assetStreams = pgTable('asset_streams', {
  assetId: text('asset_id').primaryKey(),
  epoch: text('epoch').notNull(),
  /** The instance that took the asset last, and when (for the health report and debugging). */
  owner: text('owner'),
  takenAt: timestamp('taken_at', { withTimezone: true }),
  /**
   * The newest seq committed for the asset, raised in the same transaction as the points
   * (lib/db/stream-repo.ts): a commit whose seqs are not all above it is refused, so two owners
   * can never store the same seq (the last fence; a partitioned table cannot hold a unique
   * (asset, seq) index).
   */
  lastSeq: bigint('last_seq', { mode: 'number' }),
});

/**
 * Per-signal extremes of the telemetry in fixed buckets of 10 s, 1 min, 5 min, 15 min and
 * 1 h (`width_s`), all maintained with every telemetry insert (lib/db/telemetry-rollup.ts). Long
 * history ranges are downsampled from the coarsest level finer than the requested resolution: a
 * day at 10 Hz is 864,000 telemetry rows but 8,640 10 s buckets per signal, a year is 8,760 1 h
 * buckets. `signal` is a feature name, or `prediction`, `lower`, `upper`, `actual`.
 */
export const telemetryRollup = pgTable(
  'telemetry_rollup',
  {
    assetId: text('asset_id').notNull(),
    /** The bucket's width in seconds: one of ROLLUP_LEVELS_S (lib/db/telemetry-rollup.ts). */
    widthS: integer('width_s').notNull().default(10),
    signal: text('signal').notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    n: integer('n').notNull(),
    min: doublePrecision('min').notNull(),
    minTs: timestamp('min_ts', { withTimezone: true, precision: 3 }).notNull(),
    max: doublePrecision('max').notNull(),
    maxTs: timestamp('max_ts', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ name: 'telemetry_rollup_pk', columns: [t.assetId, t.widthS, t.signal, t.bucket] })],
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

/**
 * Sessions ended by logging out (`sid` of the session's token), kept until the session would have
 * expired anyway, so that a copied cookie stays refused after every instance restarts; expired
 * rows are pruned. Each instance reads the live ones into memory at start (lib/auth/revocation.ts).
 */
export const revokedSessions = pgTable(
  'revoked_sessions',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sid: text('sid').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sid] }), index('revoked_sessions_expires_idx').on(t.expiresAt)],
);

export * from './schema-alarms';

/**
 * Small console-wide settings that must survive a restart, as JSON by key: the active model
 * version, the A/B test, ... (one row each).
 */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/**
 * Notes operators put on the trends (issue 18): a point in time (`endTs` null) or a range, on one
 * asset or plant-wide (`assetId` null). The author's username is kept beside the id so the note
 * still says who wrote it after the account is deleted.
 */
export const annotations = pgTable(
  'annotations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assetId: text('asset_id'),
    startTs: timestamp('start_ts', { withTimezone: true, precision: 3 }).notNull(),
    endTs: timestamp('end_ts', { withTimezone: true, precision: 3 }),
    note: text('note').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorUsername: text('author_username').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('annotations_start_idx').on(t.startTs),
    index('annotations_asset_start_idx').on(t.assetId, t.startTs),
    check('annotations_range_check', sql`${t.endTs} is null or ${t.endTs} >= ${t.startTs}`),
    check('annotations_note_check', sql`char_length(${t.note}) between 1 and 500`),
  ],
);

export const BACKTEST_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

/**
 * Backtest jobs (issue 19), kept so a finished job's figures survive a restart. `result` holds the
 * figures and the overlay (one document, written once when the job is done); `progressDone` is
 * written after every chunk, so a job cut off by a stop keeps how far it got (`interrupted`).
 */
export const backtests = pgTable(
  'backtests',
  {
    id: uuid('id').primaryKey(),
    startedBy: text('started_by').notNull(),
    /** The console process running it (host and data directory: one process each, by the lock). */
    owner: text('owner').notNull(),
    modelName: text('model_name').notNull(),
    modelVersion: text('model_version').notNull(),
    servingVersion: text('serving_version'),
    assetId: text('asset_id').notNull(),
    rangeFrom: timestamp('range_from', { withTimezone: true, precision: 3 }).notNull(),
    rangeTo: timestamp('range_to', { withTimezone: true, precision: 3 }).notNull(),
    status: text('status', { enum: BACKTEST_STATUSES }).notNull(),
    progressDone: integer('progress_done').notNull().default(0),
    progressTotal: integer('progress_total').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
    /** Written with every progress step: a live job whose owner went quiet is swept as interrupted. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, precision: 3 }).notNull(),
    error: text('error'),
    result: jsonb('result').$type<unknown>(),
  },
  (t) => [
    index('backtests_started_idx').on(t.startedAt, t.id),
    index('backtests_status_idx').on(t.status),
    check(
      'backtests_status_check',
      sql`${t.status} in ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')`,
    ),
  ],
);

export const ASSET_SOURCES = ['simulator', 'external'] as const;
export type AssetSource = (typeof ASSET_SOURCES)[number];

/**
 * The asset registry (issue 15): each asset of the plant, its place in the hierarchy and what
 * feeds it. Retired assets stay (their history stays readable); `position` keeps the order in
 * which they were added, so the default reactors list as reactor-1, -2, -3.
 */
export const assets = pgTable(
  'assets',
  {
    id: text('id').primaryKey(),
    position: bigserial('position', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    /** `site/area/unit`, slash-separated; '' = no place. */
    path: text('path').notNull().default(''),
    description: text('description').notNull().default(''),
    source: text('source').$type<AssetSource>().notNull(),
    /** Nominal setpoints (the simulator drives a simulated asset toward them). */
    setpoints: jsonb('setpoints').$type<Record<string, number>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    /**
     * The Sparkplug B device that feeds it (`spBv1.0/<group>/DDATA/<edge>/<device>`): all three or
     * none. Unique among live assets; a retired asset keeps its binding on record only.
     */
    sparkplugGroup: text('sparkplug_group'),
    sparkplugEdge: text('sparkplug_edge'),
    sparkplugDevice: text('sparkplug_device'),
  },
  (t) => [
    check('assets_source_check', sql`${t.source} in ('simulator', 'external')`),
    check(
      'assets_sparkplug_check',
      sql`(${t.sparkplugGroup} is null) = (${t.sparkplugEdge} is null) and (${t.sparkplugGroup} is null) = (${t.sparkplugDevice} is null)`,
    ),
    index('assets_position_idx').on(t.position),
    uniqueIndex('assets_sparkplug_idx')
      .on(t.sparkplugGroup, t.sparkplugEdge, t.sparkplugDevice)
      .where(sql`${t.retiredAt} is null and ${t.sparkplugGroup} is not null`),
  ],
);

/**
 * An asset's signal descriptions: its extra signals (label, unit, valid range) and, for any
 * signal (the model's features too), the source tag it arrives as and a linear conversion
 * (stored = raw * scale + offset). The model's features need no row: every asset has them.
 */
export const assetSignals = pgTable(
  'asset_signals',
  {
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    label: text('label').notNull(),
    unit: text('unit').notNull().default(''),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
    tag: text('tag'),
    scale: doublePrecision('scale'),
    offset: doublePrecision('offset'),
  },
  (t) => [
    primaryKey({ columns: [t.assetId, t.name] }),
    uniqueIndex('asset_signals_tag_idx').on(t.assetId, t.tag),
    check('asset_signals_range_check', sql`${t.min} < ${t.max}`),
  ],
);

/** bytea: raw bytes (drizzle has no built-in column for it). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Uploaded model packages (clustered mode, issue 16): the package's bytes and hash, so a version
 * uploaded through one instance can be served by every instance (lib/db/model-packages-repo.ts).
 * Immutable: one row per name and version, never updated.
 */
export const modelPackages = pgTable(
  'model_packages',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    /** Hex SHA-256 of the package (lib/model/package-store.ts packageHash), checked by every reader. */
    sha256: text('sha256').notNull(),
    onnxFile: text('onnx_file').notNull(),
    twin: bytea('twin').notNull(),
    model: bytea('model').notNull(),
    uploadedBy: text('uploaded_by'),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'model_packages_pk', columns: [t.name, t.version] })],
);
