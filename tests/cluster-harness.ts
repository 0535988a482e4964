/**
 * Clustered consoles for the scale-out tests (issue 16): each instance is the real console
 * (tests/ingest-console.ts) in a process of its own, so `kill -9` is real, on a PostgreSQL
 * database of the harness's own (dropped at the end) and a Redis under a key prefix of its own.
 * Clients are socket.io clients with a viewer's session cookie and plain HTTP ingest with the
 * gateway's API key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { TEST_DATABASE_URL } from './db-targets';
import type { AlertEvent, StreamSnapshot } from '../lib/realtime/protocol';
import { requestSnapshot, type SnapshotResult } from '../lib/realtime/request-snapshot';
import type { Point } from '../lib/twin/types';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ASSETS = ['reactor-1', 'reactor-2', 'reactor-3', 'line-1'];

export interface Instance {
  name: string;
  proc: ChildProcess;
  port: number;
  url: string;
  key: string | null;
  cookie: string;
}

interface Health {
  instance: { instanceId: string; ownedAssets: string[]; liveInstances: number; clustered: boolean };
}

export const reading = (ts: number, temperature = 350) => ({ ts, values: { temperature, pressure: 6, flow: 100 } });

/** Seqs received are one run with no gap and no repeat. */
export function expectContiguous(points: Point[]) {
  const seqs = points.map((p) => p.seq);
  expect(new Set(seqs).size, 'no duplicate seq').toBe(seqs.length);
  const sorted = [...seqs].sort((x, y) => x - y);
  expect(sorted, 'in order').toEqual(seqs);
  expect(sorted[sorted.length - 1]! - sorted[0]! + 1, 'no gap').toBe(sorted.length);
}

export async function until<T>(
  f: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export class ClusterHarness {
  readonly dbName = `twinops_cluster_${randomBytes(5).toString('hex')}`;
  readonly dbUrl: string;
  readonly prefix = `t-cluster-${randomBytes(4).toString('hex')}`;
  readonly instances = new Map<string, Instance>();
  /** Everything each instance printed (its log lines at CLUSTER_TEST_LOG_LEVEL, default error). */
  readonly output = new Map<string, string>();
  private readonly dataDirs: string[] = [];
  private readonly sockets: Socket[] = [];
  private admin: pg.Client | null = null;
  apiKey = '';
  cookie = '';

  constructor(private readonly redisUrl = TEST_REDIS_URL) {
    const u = new URL(TEST_DATABASE_URL);
    u.pathname = `/${this.dbName}`;
    this.dbUrl = u.toString();
  }

  async createDatabase(): Promise<void> {
    this.admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await this.admin.connect();
    await this.admin.query(`create database ${this.dbName}`);
  }

  /** A query on the cluster's database. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const c = new pg.Client({ connectionString: this.dbUrl });
    await c.connect();
    try {
      return (await c.query<R>(text, values)).rows;
    } finally {
      await c.end();
    }
  }

  /** Starts an instance (one after the other: the first creates the users, the others find them). */
  start(name: string, env: Record<string, string> = {}): Promise<Instance> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-cluster-${name}-`));
    this.dataDirs.push(dataDir);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/ingest-console.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        HOSTNAME: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: this.dbUrl,
        REDIS_URL: this.redisUrl,
        REDIS_KEY_PREFIX: this.prefix,
        INSTANCE_ID: name,
        SIMULATOR: 'off',
        ASSET_COUNT: '3',
        EXTERNAL_ASSETS: 'line-1',
        ADMIN_PASSWORD: 'cluster-admin-password',
        NEXTAUTH_SECRET: 'cluster-test-secret-cluster-test-secret-01',
        API_RATE_LIMIT_PER_MINUTE: '10000000',
        LOG_LEVEL: process.env.CLUSTER_TEST_LOG_LEVEL ?? 'error',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`console ${name} did not start: ${out}`)), 90_000);
      proc.stdout!.on('data', (d: Buffer) => {
        const logDir = process.env.CLUSTER_TEST_LOG_DIR;
        if (logDir) appendFileSync(path.join(logDir, `${name}.log`), d);
        out += d.toString();
        this.output.set(name, (this.output.get(name) ?? '') + d.toString());
        const line = out.split('\n').find((l) => l.startsWith('READY '));
        if (!line || this.instances.get(name)?.proc === proc) return;
        clearTimeout(timer);
        const ready = JSON.parse(line.slice(6)) as { port: number; key: string | null; cookie: string };
        const inst = { name, proc, url: `http://127.0.0.1:${ready.port}`, ...ready };
        this.instances.set(name, inst);
        if (ready.key) this.apiKey = ready.key;
        this.cookie ||= ready.cookie;
        resolve(inst);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`console ${name} exited with ${code} before it was ready: ${out}`));
      });
    });
  }

  instance(name: string): Instance {
    return this.instances.get(name)!;
  }

  async health(name: string): Promise<Health | null> {
    try {
      return (await (await fetch(`${this.instance(name).url}/api/health`)).json()) as Health;
    } catch {
      return null;
    }
  }

  /** Asset -> owning instance, once every asset has exactly one owner among `names` (and `accept` agrees). */
  async settledOwners(names: string[], timeoutMs: number, accept?: (o: Map<string, string>) => boolean) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const owners = new Map<string, string>();
      let twice = false;
      for (const n of names) {
        for (const a of (await this.health(n))?.instance.ownedAssets ?? []) {
          if (owners.has(a)) twice = true;
          owners.set(a, n);
        }
      }
      if (!twice && ASSETS.every((a) => owners.has(a)) && (!accept || accept(owners))) return owners;
      if (Date.now() > deadline) throw new Error(`ownership did not settle: ${JSON.stringify([...owners])}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  post(name: string, assetId: string, readings: { ts: number; values: Record<string, number> }[]) {
    return fetch(`${this.instance(name).url}/api/v1/assets/${assetId}/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(readings),
    });
  }

  /** A socket.io client on instance `name` that records every point and alert it gets. */
  client(name: string) {
    const socket = connect(this.instance(name).url, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: this.cookie },
    });
    this.sockets.push(socket);
    const points = new Map<string, Point[]>();
    const epochs = new Map<string, string>();
    const raised: AlertEvent[] = [];
    socket.on('stream:points', (m) => {
      if (!points.has(m.assetId)) points.set(m.assetId, []);
      points.get(m.assetId)!.push(...m.points);
    });
    socket.on('alert:raised', (a) => raised.push(a));
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return {
      socket,
      points,
      epochs,
      raised,
      connected,
      async subscribe(assetId: string, since?: { sinceSeq: number; epoch: string }): Promise<StreamSnapshot> {
        await connected;
        // The snapshot is recorded in the handler that completes it (as the browser's hook does): a live
        // point decoded in the same read must not be recorded before it.
        const result = await new Promise<SnapshotResult>((resolve) =>
          requestSnapshot(socket, { assetId, ...since }, (res) => {
            if (res.kind === 'snapshot') {
              if (!points.has(assetId)) points.set(assetId, []);
              points.get(assetId)!.push(...res.snapshot.points);
              epochs.set(assetId, res.snapshot.epoch);
            }
            resolve(res);
          }),
        );
        if (result.kind === 'refused') throw new Error(result.error);
        if (result.kind === 'failed') throw new Error(result.reason);
        return result.snapshot;
      },
    };
  }

  kill(name: string): void {
    this.instance(name).proc.kill('SIGKILL');
  }

  /** Graceful shutdown (SIGTERM); resolves once the process has exited. */
  terminate(name: string): Promise<void> {
    const proc = this.instance(name).proc;
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.disconnect();
    for (const inst of this.instances.values())
      if (inst.proc.exitCode === null && inst.proc.signalCode === null) inst.proc.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await this.admin?.query(`drop database if exists ${this.dbName} with (force)`);
    await this.admin?.end();
    for (const d of this.dataDirs) rmSync(d, { recursive: true, force: true });
  }
}
