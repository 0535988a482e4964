/**
 * The asset registry across a cluster (issue 15): two console instances (separate processes) on
 * one PostgreSQL database and the machine's Redis. An asset created on one instance is in the
 * other's list, its open consoles hear `assets:changed`, and its stream runs there within 1 s;
 * a Sparkplug binding made on one instance resolves on the other; retired on the other
 * instance, the first stops its stream and gives its lease back.
 */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  MACHINE_REDIS_URL,
  startInstance,
  testRedisPrefix,
  waitFor,
  type Instance,
} from '../../tests/shared-cluster-harness';
import type { SubscribeAck } from '../realtime/protocol';
import type { Point } from '../twin/types';

const prefix = testRedisPrefix();
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let a: Instance;
let b: Instance;
let key: string;
let cookie: string;
let env: Record<string, string>;
const sockets: Socket[] = [];
const figures: Record<string, number> = {};

function socketTo(inst: Instance): Promise<Socket> {
  const s = connect(inst.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('session:ready', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** The assets an instance streams (its picker's list: GET /api/v1/twin/status). */
async function streamed(inst: Instance): Promise<string[]> {
  const res = await fetch(`${inst.url}/api/v1/twin/status`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()) as { assets: string[] }).assets;
}

/** Which instances hold the asset's lease (GET /api/health). */
async function owners(assetId: string): Promise<string[]> {
  const out: string[] = [];
  for (const inst of [a, b]) {
    const health = (await (await fetch(`${inst.url}/api/health`)).json()) as {
      instance: { ownedAssets: string[] };
    };
    if (health.instance.ownedAssets.includes(assetId)) out.push(inst.name);
  }
  return out;
}

const ingest = (inst: Instance, assetId: string, ts: number) =>
  fetch(`${inst.url}/api/v1/assets/${assetId}/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ts, values: { temperature: 350, pressure: 6, flow: 100 } }),
  });

beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, REDIS_URL: MACHINE_REDIS_URL, REDIS_KEY_PREFIX: prefix };
  // One after the other: the first migrates the new database and creates the admin.
  a = await startInstance('a', env);
  b = await startInstance('b', env);
  ({ key, cookie } = await a.run<{ key: string; cookie: string }>('user', { username: 'otto', role: 'operator' }));
}, 120_000);

afterAll(async () => {
  console.info(
    `asset registry propagation (ms): ${Object.entries(figures)
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(', ')}`,
  );
  for (const s of sockets) s.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  const redis = new Redis(MACHINE_REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}, 60_000);

describe('asset registry changes across instances', () => {
  it('an asset created on A is listed, announced and streamed on B within 1 s; a client on B gets its points', async () => {
    const onB = await socketTo(b);
    const heard = new Promise<number>((resolve) =>
      onB.on('assets:changed', (c: { kind: string; id: string }) => {
        if (c.kind === 'created' && c.id === 'r-501') resolve(performance.now());
      }),
    );
    const t0 = performance.now();
    await a.run('createAsset', { id: 'r-501', name: 'R-501', path: 'Ludwigshafen/Ammonia/R-501' });
    const listed = await waitFor(
      async () => ((await streamed(b)).includes('r-501') ? true : undefined),
      3_000,
      'B to stream r-501',
    );
    figures['created: listed on B'] = listed.ms;
    expect(listed.ms).toBeLessThan(1_000);
    figures['created: announced on B'] = (await heard) - t0;
    expect((await heard) - t0).toBeLessThan(1_000);
    // Its lease is taken by exactly one instance within 1 s.
    const owned = await waitFor(
      async () => {
        const o = await owners('r-501');
        return o.length === 1 ? o : undefined;
      },
      3_000,
      'one owner of r-501',
    );
    figures['created: owned'] = owned.ms;
    expect(owned.ms).toBeLessThan(1_000);

    // B's alarm engine evaluates the new asset's default rules (A stored them).
    const rulesOn = async (inst: Instance) =>
      (await inst.run<{ assetId: string }[]>('rules')).filter((r) => r.assetId === 'r-501').length;
    await waitFor(async () => ((await rulesOn(b)) > 0 ? true : undefined), 3_000, "B's engine to track r-501's rules");
    expect(await rulesOn(b)).toBe(await rulesOn(a));

    // A client on B subscribes and gets the point of a reading posted to A.
    const points: Point[] = [];
    onB.on('stream:points', (m: { assetId: string; points: Point[] }) => {
      if (m.assetId === 'r-501') points.push(...m.points);
    });
    const ack = await new Promise<SubscribeAck>((resolve) =>
      onB.emit('stream:subscribe', { assetId: 'r-501' }, resolve),
    );
    expect(ack.ok).toBe(true);
    const ts = Date.now() - 1_000;
    expect((await ingest(a, 'r-501', ts)).status).toBe(201);
    await waitFor(async () => (points.some((p) => p.ts === ts) ? true : undefined), 5_000, 'the point on B');
  });

  it('a Sparkplug binding made on A resolves on B within 1 s', async () => {
    const device = { group: 'Ludwigshafen', edge: 'gw-1', device: 'R-501' };
    await a.run('updateAsset', { id: 'r-501', changes: { sparkplug: device } });
    const bound = await waitFor(
      async () => ((await b.run<string | null>('sparkplugAsset', device)) === 'r-501' ? true : undefined),
      3_000,
      'B to resolve the device to r-501',
    );
    figures['bound: resolved on B'] = bound.ms;
    expect(bound.ms).toBeLessThan(1_000);
  });

  it('a binding changed with the users CLI resolves on both running instances within 1 s of its end', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const cli = spawn(
        process.execPath,
        ['--import', 'tsx', 'scripts/users.ts', 'asset-bind', 'r-501', 'Ludwigshafen/gw-2/R-501'],
        { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: 'ignore' },
      );
      cli.once('exit', resolve);
    });
    expect(code).toBe(0);
    const device = { group: 'Ludwigshafen', edge: 'gw-2', device: 'R-501' };
    for (const inst of [a, b]) {
      const seen = await waitFor(
        async () => ((await inst.run<string | null>('sparkplugAsset', device)) === 'r-501' ? true : undefined),
        3_000,
        `${inst.name} to resolve the CLI's binding`,
      );
      expect(seen.ms).toBeLessThan(1_000);
    }
  });

  it('retired on B, the asset stops on A within 1 s: not streamed, readings refused, lease given back', async () => {
    const onA = await socketTo(a);
    const heard = new Promise<number>((resolve) =>
      onA.on('assets:changed', (c: { kind: string; id: string }) => {
        if (c.kind === 'retired' && c.id === 'r-501') resolve(performance.now());
      }),
    );
    const t0 = performance.now();
    await b.run('retireAsset', { id: 'r-501' });
    const stopped = await waitFor(
      async () => (!(await streamed(a)).includes('r-501') ? true : undefined),
      3_000,
      'A to stop r-501',
    );
    figures['retired: stopped on A'] = stopped.ms;
    expect(stopped.ms).toBeLessThan(1_000);
    expect((await heard) - t0).toBeLessThan(1_000);
    expect((await ingest(a, 'r-501', Date.now() - 500)).status).toBe(404);
    const released = await waitFor(
      async () => ((await owners('r-501')).length === 0 ? true : undefined),
      3_000,
      'no owner of r-501',
    );
    expect(released.ms).toBeLessThan(1_000);
    expect(await a.run<string | null>('sparkplugAsset', { group: 'Ludwigshafen', edge: 'gw-2', device: 'R-501' })).toBe(
      null,
    );
  });
});
