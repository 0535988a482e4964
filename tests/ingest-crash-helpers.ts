/**
 * The crash tests' console in a process of its own (tests/ingest-console.ts), which they
 * `kill -9`, and the databases it runs on (a PGlite data directory, a PostgreSQL database of its
 * own), read back after the crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../lib/db/client';
import { TEST_DATABASE_URL } from './db-targets';

export const CRASH_ASSETS = ['reactor-1', 'reactor-2', 'reactor-3'];

export interface Child {
  proc: ChildProcess;
  port: number;
  key: string | null;
  /** A viewer session for socket.io. */
  cookie: string;
}

export function startChild(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/ingest-console.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOSTNAME: '127.0.0.1',
      SIMULATOR: 'off',
      ASSET_COUNT: String(CRASH_ASSETS.length),
      ADMIN_PASSWORD: 'crash-admin-password',
      NEXTAUTH_SECRET: 'crash-test-secret-crash-test-secret-0001',
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`console did not start: ${out}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      const { port, key, cookie } = JSON.parse(line.slice(6)) as { port: number; key: string | null; cookie: string };
      resolve({ proc, port, key, cookie });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`console exited with ${code} before it was ready: ${out}`));
    });
  });
}

export function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => proc.once('exit', () => r()));
}

export const key = (assetId: string, ts: number) => `${assetId}@${ts}`;

export interface Target {
  name: string;
  env: Record<string, string>;
  /** Every stored (asset, ts) key, with how many rows each has. */
  rows(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function targetFor(name: 'pglite' | 'postgres'): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-crash-${name}-`));
  const query = `select asset_id, (extract(epoch from ts) * 1000)::bigint::text as ms from telemetry`;
  const toKeys = (rows: { asset_id: string; ms: string }[]) => rows.map((r) => key(r.asset_id, Number(r.ms)));
  if (name === 'pglite') {
    return {
      name,
      env: { DATA_DIR: dataDir, DATABASE_URL: '' },
      async rows() {
        // Opened only while no console holds the directory.
        const database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
        try {
          const result = (await database.db.execute(sql.raw(query))) as unknown as {
            rows: { asset_id: string; ms: string }[];
          };
          return toKeys(result.rows);
        } finally {
          await database.close();
        }
      },
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const dbName = `twinops_crash_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${dbName}`;
  return {
    name,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    async rows() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return toKeys((await client.query<{ asset_id: string; ms: string }>(query)).rows);
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
