/**
 * Scale-out (issue 16), tested as it runs: three consoles (real startConsole, each its own
 * process, so `kill -9` is real) on one PostgreSQL database of the test's own and the machine's
 * Redis under a key prefix of the test's own. Readings come over HTTP (bearer, fast path) to any
 * instance; browsers are socket.io clients with a session cookie.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import type { AlertEvent, StreamSnapshot, SubscribeAck } from '../realtime/protocol';
import type { Point } from '../twin/types';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ASSETS = ['reactor-1', 'reactor-2', 'reactor-3', 'line-1'];
const NAMES = ['a', 'b', 'c'];

interface Instance {
  name: string;
  proc: ChildProcess;
  port: number;
  url: string;
  key: string | null;
  cookie: string;
}

const dbName = `twinops_cluster_${randomBytes(5).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const prefix = `t-cluster-${randomBytes(4).toString('hex')}`;
const dataDirs: string[] = [];
const instances = new Map<string, Instance>();
const sockets: Socket[] = [];
let apiKey = '';
let cookie = '';
let admin: pg.Client;

function start(name: string): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twinops-cluster-${name}-`));
  dataDirs.push(dataDir);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/ingest-console.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOSTNAME: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: dbUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      INSTANCE_ID: name,
      SIMULATOR: 'off',
      ASSET_COUNT: '3',
      EXTERNAL_ASSETS: 'line-1',
      ADMIN_PASSWORD: 'cluster-admin-password',
      NEXTAUTH_SECRET: 'cluster-test-secret-cluster-test-secret-01',
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: process.env.CLUSTER_TEST_LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`console ${name} did not start: ${out}`)), 90_000);
    proc.stdout!.on('data', (d: Buffer) => {
      if (process.env.CLUSTER_TEST_LOG_DIR)
        appendFileSync(path.join(process.env.CLUSTER_TEST_LOG_DIR, `${name}.log`), d);
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      const ready = JSON.parse(line.slice(6)) as { port: number; key: string | null; cookie: string };
      const inst = { name, proc, url: `http://127.0.0.1:${ready.port}`, ...ready };
      instances.set(name, inst);
      resolve(inst);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`console ${name} exited with ${code} before it was ready: ${out}`));
    });
  });
}

interface Health {
  instance: { instanceId: string; ownedAssets: string[]; liveInstances: number; clustered: boolean };
}

async function health(inst: Instance): Promise<Health | null> {
  try {
    const res = await fetch(`${inst.url}/api/health`);
    return (await res.json()) as Health;
  } catch {
    return null;
  }
}

/** Asset -> owning instance name, once every asset has exactly one owner among `names`. */
async function settledOwners(names: string[], timeoutMs: number, accept?: (o: Map<string, string>) => boolean) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const owners = new Map<string, string>();
    let twice = false;
    for (const n of names) {
      const h = await health(instances.get(n)!);
      for (const a of h?.instance.ownedAssets ?? []) {
        if (owners.has(a)) twice = true;
        owners.set(a, n);
      }
    }
    if (!twice && ASSETS.every((a) => owners.has(a)) && (!accept || accept(owners))) return owners;
    if (Date.now() > deadline) throw new Error(`ownership did not settle: ${JSON.stringify([...owners])}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function post(inst: Instance, assetId: string, readings: { ts: number; values: Record<string, number> }[]) {
  return fetch(`${inst.url}/api/v1/assets/${assetId}/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(readings),
  });
}

/** A socket.io client on `inst` that records every point and alert it gets. */
function client(inst: Instance) {
  const socket = connect(inst.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  sockets.push(socket);
  const points = new Map<string, Point[]>();
  const epochs = new Map<string, string>();
  const raised: AlertEvent[] = [];
  socket.on('stream:point', ({ assetId, point }) => {
    if (!points.has(assetId)) points.set(assetId, []);
    points.get(assetId)!.push(point);
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
      const ack = (await socket.emitWithAck('stream:subscribe', { assetId, ...since })) as SubscribeAck;
      if (!ack.ok) throw new Error(ack.error);
      if (!points.has(assetId)) points.set(assetId, []);
      points.get(assetId)!.push(...ack.snapshot.points);
      epochs.set(assetId, ack.snapshot.epoch);
      return ack.snapshot;
    },
  };
}

const reading = (ts: number, temperature = 350) => ({ ts, values: { temperature, pressure: 6, flow: 100 } });

/** Seqs received are one run with no gap and no repeat. */
function expectContiguous(points: Point[]) {
  const seqs = points.map((p) => p.seq);
  expect(new Set(seqs).size, 'no duplicate seq').toBe(seqs.length);
  const sorted = [...seqs].sort((x, y) => x - y);
  expect(sorted, 'in order').toEqual(seqs);
  expect(sorted[sorted.length - 1]! - sorted[0]! + 1, 'no gap').toBe(sorted.length);
}

async function until<T>(f: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  // A rule with no minimum duration on line-1 (before any console seeds its defaults): every
  // breaching point counts, so the alert test does not depend on the points' time span.
  const database = await openDatabase({ url: dbUrl });
  await database.db.execute(
    (await import('drizzle-orm'))
      .sql`insert into alert_rules (asset_id, signal, severity, high, deadband, min_duration_ms, priority)
      values ('line-1', 'temperature', 'critical', 400, 1, 0, 'high')`,
  );
  await database.close();
  // One after the other: the first creates the users (the others find them).
  for (const n of NAMES) await start(n);
  apiKey = instances.get('a')!.key!;
  cookie = instances.get('a')!.cookie;
}, 300_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const inst of instances.values())
    if (inst.proc.exitCode === null && inst.proc.signalCode === null) inst.proc.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

describe('three instances on PostgreSQL and Redis', () => {
  it('spread the assets, one owner each, and report it in /api/health', { timeout: 60_000 }, async () => {
    const owners = await settledOwners(NAMES, 45_000, (o) => new Set(o.values()).size === 3);
    const h = (await health(instances.get('a')!))!;
    expect(h.instance).toMatchObject({ instanceId: 'a', clustered: true, liveInstances: 3 });
    for (const n of NAMES) expect([...owners.values()].filter((o) => o === n).length).toBeLessThanOrEqual(2);
  });

  it('a client on one instance gets the points of an asset another instance owns', { timeout: 60_000 }, async () => {
    const owners = await settledOwners(NAMES, 10_000);
    const assetId = ASSETS.find((a) => owners.get(a) !== 'a')!;
    const viewer = client(instances.get('a')!);
    const first = await viewer.subscribe(assetId);
    const base = Date.now();
    // Posted to every instance in turn, one after the other (a plant gateway behind the balancer).
    for (let i = 0; i < 12; i++) {
      const res = await post(instances.get(NAMES[i % 3]!)!, assetId, [reading(base + i * 10)]);
      expect(res.status).toBe(201);
    }
    await until(async () => (viewer.points.get(assetId)?.length ?? 0) >= first.points.length + 12, 15_000, 'points');
    const got = viewer.points.get(assetId)!;
    expectContiguous(got);
    expect(got.slice(-12).map((p) => p.ts)).toEqual(Array.from({ length: 12 }, (_, i) => base + i * 10));
    expect(got.slice(-12).every((p) => p.prediction !== null)).toBe(true);
  });

  it(
    '200 concurrent breaching readings spread over the instances raise exactly one alert',
    { timeout: 60_000 },
    async () => {
      const watchers = NAMES.map((n) => client(instances.get(n)!));
      await Promise.all(watchers.map((w) => w.connected));
      const base = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => post(instances.get(NAMES[i % 3]!)!, 'line-1', [reading(base + i, 450)])),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(200).fill(201));
      const client0 = new pg.Client({ connectionString: dbUrl });
      await client0.connect();
      try {
        await until(
          async () =>
            Number(
              (await client0.query(`select count(*) as n from telemetry where asset_id = 'line-1' and pending`)).rows[0]
                .n,
            ) === 0,
          20_000,
          'pending readings processed',
        );
        await until(async () => watchers.every((w) => w.raised.length >= 1), 10_000, 'alert seen everywhere');
        await new Promise((r) => setTimeout(r, 2_000)); // a second alarm would have come by now
        const alarms = await client0.query(`select id from alerts where asset_id = 'line-1'`);
        expect(alarms.rowCount).toBe(1);
        for (const w of watchers) expect(w.raised.filter((a) => a.assetId === 'line-1')).toHaveLength(1);
      } finally {
        await client0.end();
      }
    },
  );

  it(
    'kill -9 of an owner: its assets move within 10 s; clients resume with no gap and no duplicate; no acknowledged reading is lost',
    { timeout: 120_000 },
    async () => {
      const owners = await settledOwners(NAMES, 10_000);
      // The asset and its owner; a watcher on another instance and one on the owner itself.
      const assetId = ASSETS.find((a) => a !== 'line-1' && owners.get(a) !== 'a')!;
      const victim = owners.get(assetId)!;
      const survivors = NAMES.filter((n) => n !== victim);
      const onOther = client(instances.get(survivors[0]!)!);
      const onVictim = client(instances.get(victim)!);
      await onOther.subscribe(assetId);
      await onVictim.subscribe(assetId);

      // One gateway per asset: readings one after the other, to the live instances in turn; a
      // reading whose request failed is sent again to the next instance (at-least-once).
      const acked = new Set<number>();
      let stop = false;
      let down = new Set<string>();
      let n = 0;
      const gateway = (async () => {
        let ts = Date.now();
        while (!stop) {
          const live = NAMES.filter((x) => !down.has(x));
          const target = instances.get(live[n++ % live.length]!)!;
          try {
            const res = await post(target, assetId, [reading(ts)]);
            if (res.status === 201) {
              acked.add(ts);
              ts += 20;
            }
          } catch {
            // died under the request: send it again
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      await new Promise((r) => setTimeout(r, 2_000));

      const killedAt = Date.now();
      instances.get(victim)!.proc.kill('SIGKILL');
      down = new Set([victim]);
      // The victim's client reconnects to a survivor and resumes from what it holds.
      const held = onVictim.points.get(assetId)!;
      const newOwners = await settledOwners(survivors, 15_000);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(10_000);
      const last = held[held.length - 1]!;
      const resumed = client(instances.get(survivors[1]!)!);
      const snapshotEpoch = onVictim.epochs.get(assetId)!;
      const snap = await resumed.subscribe(assetId, { sinceSeq: last.seq, epoch: snapshotEpoch });
      expect(snap.reset, 'resumed, not re-snapshotted').toBe(false);
      expect(snap.epoch).toBe(snapshotEpoch);

      await new Promise((r) => setTimeout(r, 3_000));
      stop = true;
      await gateway;
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      try {
        await until(
          async () =>
            Number(
              (await db.query(`select count(*) as n from telemetry where asset_id = $1 and pending`, [assetId])).rows[0]
                .n,
            ) === 0,
          20_000,
          'pending readings processed by the new owner',
        );
        const rows = (
          await db.query<{ ms: string; seq: string | null }>(
            `select (extract(epoch from ts) * 1000)::bigint::text as ms, seq::text from telemetry where asset_id = $1 order by ts`,
            [assetId],
          )
        ).rows;
        const stored = new Map(rows.map((r) => [Number(r.ms), r.seq === null ? null : Number(r.seq)]));
        const missing = [...acked].filter((ts) => !stored.has(ts));
        expect(missing, 'acknowledged readings in the database').toEqual([]);
        const unstreamed = [...acked].filter((ts) => stored.get(ts) === null);
        expect(unstreamed, 'acknowledged readings streamed (given a seq)').toEqual([]);
        const seqs = rows.filter((r) => r.seq !== null).map((r) => Number(r.seq));
        expect(seqs[seqs.length - 1]! - seqs[0]! + 1, 'stored seqs have no gap').toBe(seqs.length);
        await until(
          async () => (onOther.points.get(assetId)!.at(-1)?.seq ?? -1) >= seqs[seqs.length - 1]!,
          10_000,
          'client caught up',
        );
        expectContiguous(onOther.points.get(assetId)!);
        await until(
          async () => (resumed.points.get(assetId)!.at(-1)?.seq ?? -1) >= seqs[seqs.length - 1]!,
          10_000,
          'resumed client caught up',
        );
        expectContiguous([...held, ...resumed.points.get(assetId)!]);
        const seen = new Set(onOther.points.get(assetId)!.map((p) => p.ts));
        const ackedAfterSubscribe = [...acked].filter((ts) => ts >= onOther.points.get(assetId)![0]!.ts);
        expect(
          ackedAfterSubscribe.filter((ts) => !seen.has(ts)),
          'acknowledged readings in the stream',
        ).toEqual([]);
        console.log(
          `failover: ${acked.size} readings acknowledged, takeover seen after ${takeoverMs} ms, owners now ${JSON.stringify([...newOwners])}`,
        );
      } finally {
        await db.end();
      }
    },
  );
});
