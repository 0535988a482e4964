/**
 * Several console instances for cluster tests, each a child process (tests/shared-cluster-console.ts)
 * on one PostgreSQL database of the test's own and one Redis under a key prefix of the test's
 * own; plus a private redis-server on another port for tests that stop Redis (the machine's is
 * never touched).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';
import { TEST_DATABASE_URL } from './db-targets';

export const MACHINE_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instance {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  /** Runs a command of tests/shared-cluster-console.ts on this instance. */
  run<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/** A PostgreSQL database of the test's own (dropped by the returned cleanup). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `twinops_cluster_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A REDIS_KEY_PREFIX of the test's own (its keys are `<prefix>:...`). */
export const testRedisPrefix = () => `twinops-test-${randomBytes(5).toString('hex')}`;

/** Starts one instance; resolves once it listens. */
export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-cluster-${name}-`));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/shared-cluster-console.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOSTNAME: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SIMULATOR: 'off',
      ASSET_COUNT: '1',
      NEXTAUTH_SECRET: 'cluster-test-secret-cluster-test-secret',
      ADMIN_PASSWORD: 'cluster-admin-password',
      INSTANCE_ID: name,
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let buffered = '';
  const ready = new Promise<{ port: number }>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`instance ${name} exited (${code}) before it was ready`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as { port: number });
        else if (line.startsWith('RESULT ')) {
          const r = JSON.parse(line.slice(7)) as { id: number; ok: boolean; value?: unknown; error?: string };
          const p = pending.get(r.id);
          pending.delete(r.id);
          if (r.ok) p?.resolve(r.value);
          else p?.reject(new Error(`${name}: ${r.error}`));
        }
      }
    });
  });
  const { port } = await ready;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    run<T>(cmd: string, args: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.stdin!.write(`${JSON.stringify({ id, cmd, args })}\n`);
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A private redis-server (nothing on disk) on `port`; `stop` shuts it down, `start` again. */
export function privateRedis(port: number) {
  let proc: ChildProcess | null = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      // Ready once it accepts connections.
      const { Socket } = await import('node:net');
      for (let i = 0; i < 100; i++) {
        const ok = await new Promise<boolean>((resolve) => {
          const s = new Socket();
          s.once('connect', () => {
            s.destroy();
            resolve(true);
          });
          s.once('error', () => resolve(false));
          s.connect(port, '127.0.0.1');
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`private redis-server on ${port} did not start`);
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` every 25 ms until it returns a value (not undefined); resolves with it and the time taken. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: performance.now() - t0 };
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
