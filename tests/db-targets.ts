/**
 * The databases the repository tests run against: embedded PGlite (in memory) always, and the
 * machine's PostgreSQL (TEST_DATABASE_URL, default 127.0.0.1:5432/test) in a schema of its own
 * that is dropped afterwards. PostgreSQL being down is a test failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/client';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface DbTarget {
  name: 'pglite' | 'postgres';
  open(): Promise<Database & { drop(): Promise<void> }>;
}

export const DB_TARGETS: DbTarget[] = [
  {
    name: 'pglite',
    async open() {
      const database = await openDatabase({ pgliteDir: 'memory://' });
      return { ...database, drop: () => database.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const database = await openDatabase({ url: TEST_DATABASE_URL, pgSchema: schema });
      return {
        ...database,
        async drop() {
          await database.close();
          const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await client.connect();
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        },
      };
    },
  },
];
