/**
 * The only module that opens database connections. Embedded PGlite (file-backed under the data
 * directory) by default; PostgreSQL when a URL is given. Both are returned as the same drizzle
 * `Db` type, so repositories never know which one they run on.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { describeDatabaseUrl } from '../config/env';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where it lives, safe to log (no password). */
  description: string;
  /** Round trip to the database; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the rest of the console may know of the database itself: its kind and a round trip (health). */
export type DatabaseProbe = Pick<Database, 'kind' | 'description' | 'ping'>;

export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

export const DEFAULT_PGLITE_SHARED_BUFFERS = '32MB';

const MIGRATIONS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'migrations');

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throwaway database (tests). */
  pgliteDir?: string;
  /**
   * PGlite's shared_buffers. Its default (128 MB) makes the WebAssembly heap grow to ~650 MB
   * right at start; the embedded console's working set is small and the OS caches the files.
   */
  pgliteSharedBuffers?: string;
  /** PostgreSQL schema to use (tests isolate themselves in one); created when missing. */
  pgSchema?: string;
  /** Where the SQL migrations are (defaults to lib/db/migrations). */
  migrationsDir?: string;
}

/** Opens the database and applies pending migrations. Errors name host/database or directory, never a password. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrationsFolder = opts.migrationsDir ?? MIGRATIONS_DIR;
  return opts.url
    ? openPostgres(opts.url, opts.pgSchema, migrationsFolder)
    : openPglite(
        opts.pgliteDir ?? 'memory://',
        migrationsFolder,
        opts.pgliteSharedBuffers ?? DEFAULT_PGLITE_SHARED_BUFFERS,
      );
}

async function openPostgres(url: string, pgSchema: string | undefined, migrationsFolder: string): Promise<Database> {
  const { Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const where = describeDatabaseUrl(url);
  if (pgSchema && !/^[a-z_][a-z0-9_]*$/.test(pgSchema)) throw new DatabaseOpenError(`invalid schema name ${pgSchema}`);
  const pool = new Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    options: pgSchema ? `-c search_path=${pgSchema}` : undefined,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (pgSchema) await client.query(`create schema if not exists ${pgSchema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseOpenError(`cannot connect to PostgreSQL at ${where}: ${(err as Error).message}`, { cause: err });
  }
  const db = drizzle(pool, { schema }) as unknown as Db;
  try {
    await migrate(drizzle(pool, { schema }), { migrationsFolder, migrationsSchema: pgSchema ?? 'drizzle' });
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseOpenError(`migrations failed on PostgreSQL at ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    db,
    kind: 'postgres',
    description: `postgres ${where}`,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}

async function openPglite(dir: string, migrationsFolder: string, sharedBuffers: string): Promise<Database> {
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers))
    throw new DatabaseOpenError(`invalid shared_buffers "${sharedBuffers}" (e.g. 32MB)`);
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) {
    const fresh = !existsSync(dir) || readdirSync(dir).length === 0;
    // A directory with files but no PG_VERSION is not ours or was damaged: never re-create it silently.
    if (!fresh && !existsSync(path.join(dir, 'PG_VERSION'))) {
      throw new DatabaseOpenError(
        `the embedded database directory ${dir} is damaged or not a database (no PG_VERSION); move it away to start afresh`,
      );
    }
    mkdirSync(dir, { recursive: true });
  }
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create(inMemory ? undefined : dir, { postgresqlconf: [`shared_buffers=${sharedBuffers}`] });
  } catch (err) {
    throw new DatabaseOpenError(`cannot open the embedded database at ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const db = drizzle(client, { schema });
  try {
    await migrate(db, { migrationsFolder });
  } catch (err) {
    await client.close().catch(() => {});
    throw new DatabaseOpenError(`migrations failed on the embedded database at ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    description: inMemory ? 'pglite (in memory)' : `pglite ${dir}`,
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
