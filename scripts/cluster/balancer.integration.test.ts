/**
 * The committed nginx config in front of two real console instances (one PostgreSQL database of
 * the test's own, one secret): sticky polling, WebSocket upgrade, the public origin, the
 * forwarded scheme, and failover after SIGKILL of an instance. Needs nginx
 * (`npm run test:unit` installs it: `node scripts/ensure-tools.mjs nginx`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeAck } from '../../lib/realtime/protocol';
import { startBenchInstance, type BenchInstance } from './bench-instances';
import { startBalancer, stopAll, waitForOk } from './processes';
import { dropDatabase, ensureDatabase, freePort } from './services';

const instances: BenchInstance[] = [];
let lb = '';
let workDir = '';
const dbName = `twinops_lb_${randomBytes(4).toString('hex')}`;
const sockets: Socket[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-lb-test-'));
  const port = await freePort();
  lb = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: await ensureDatabase(dbName),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    NEXTAUTH_URL: lb,
    ASSET_COUNT: '2',
    SIM_RATE_HZ: '10',
  };
  // One after the other: the first migrates the fresh database and creates the viewer.
  instances.push(await startBenchInstance('lb-a', env));
  instances.push(await startBenchInstance('lb-b', env));
  const balancer = startBalancer(
    path.join(workDir, 'nginx'),
    { listen: port, upstreams: instances.map((i) => `127.0.0.1:${i.port}`) },
    { onLine: (l) => console.log(`[nginx] ${l}`) },
  );
  await waitForOk(`${lb}/nginx-health`, 15_000, balancer);
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await stopAll(5_000);
  await dropDatabase(dbName).catch(() => {});
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

const cookieFor = (key: string) => `${instances[0]!.cookie}; twinops_lb=${key}`;
const upstreamOf = async (key: string) =>
  (await fetch(`${lb}/api/health`, { headers: { cookie: cookieFor(key) } })).headers.get('x-twinops-upstream');

/** A client through the balancer, subscribed to reactor-1; resolves with the points it gets. */
async function streamingClient(key: string, transports: ('polling' | 'websocket')[]) {
  const socket = connect(lb, {
    transports,
    upgrade: false,
    extraHeaders: { cookie: cookieFor(key) },
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  });
  sockets.push(socket);
  const points: number[] = [];
  socket.on('stream:points', (m) => {
    const now = Date.now();
    for (let i = 0; i < m.points.length; i++) points.push(now);
  });
  const subscribe = () =>
    new Promise<void>((resolve, reject) =>
      socket.emit('stream:subscribe', { assetId: 'reactor-1', maxPoints: 1 }, (res: SubscribeAck) =>
        res.ok ? resolve() : reject(new Error(res.error)),
      ),
    );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => subscribe().then(resolve, reject));
    socket.once('connect_error', reject);
  });
  socket.on('connect', () => void subscribe().catch(() => {}));
  return { socket, points, key };
}

const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return cond();
};

describe('nginx in front of two instances', () => {
  it('pins a browser to one instance by its cookie and spreads browsers over both', async () => {
    const first = await fetch(`${lb}/api/health`);
    expect(first.status).toBe(200);
    const key = /twinops_lb=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1];
    expect(key).toBeTruthy();
    const seen = new Set(await Promise.all(Array.from({ length: 5 }, () => upstreamOf(key!))));
    expect(seen.size).toBe(1);
    const again = await fetch(`${lb}/api/health`, { headers: { cookie: `twinops_lb=${key}` } });
    expect(again.headers.get('set-cookie')).toBeNull();
    const spread = new Set(await Promise.all(Array.from({ length: 12 }, (_, i) => upstreamOf(`spread-${i}`))));
    expect(spread).toEqual(new Set(instances.map((i) => `127.0.0.1:${i.port}`)));
  });

  it('streams to long-polling clients (every request of a session reaches its instance)', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => streamingClient(`poll-${i}`, ['polling'])));
    expect(await until(() => clients.every((c) => c.points.length >= 5), 15_000)).toBe(true);
    // No session was lost to a request that reached the other instance.
    expect(clients.every((c) => c.socket.connected)).toBe(true);
    clients.forEach((c) => c.socket.disconnect());
  });

  it("accepts a socket from the balancer's public origin and refuses a foreign one", async () => {
    const handshake = (origin: string, host?: string) =>
      new Promise<string>((resolve) => {
        const s = connect(lb, {
          transports: ['websocket'],
          extraHeaders: { cookie: cookieFor('origin'), origin, ...(host ? { host } : {}) },
          forceNew: true,
          reconnection: false,
        });
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', (err) => resolve(err.message));
        sockets.push(s);
      });
    expect(await handshake(lb)).toBe('connected');
    expect(await handshake('http://evil.example')).toBe('origin_refused');
  });

  it("sends the balancer's own scheme, not the client's X-Forwarded-Proto", async () => {
    const spoof = { 'x-forwarded-proto': 'https' };
    // Straight to an instance the header is believed (HSTS), so this check can fail...
    const direct = await fetch(`http://127.0.0.1:${instances[0]!.port}/api/health`, { headers: spoof });
    expect(direct.headers.get('strict-transport-security')).not.toBeNull();
    // ...through the balancer it is replaced by the scheme the client really used (http).
    const via = await fetch(`${lb}/api/health`, { headers: spoof });
    expect(via.headers.get('strict-transport-security')).toBeNull();
  });

  it('moves the clients of a killed instance to the other one', async () => {
    const victim = instances[1]!;
    const keys: string[] = [];
    for (let i = 0; keys.length < 3 && i < 100; i++)
      if ((await upstreamOf(`fail-${i}`)) === `127.0.0.1:${victim.port}`) keys.push(`fail-${i}`);
    const clients = await Promise.all(keys.map((k) => streamingClient(k, ['websocket'])));
    expect(await until(() => clients.every((c) => c.points.length > 0), 10_000)).toBe(true);

    victim.child.process.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.child.exited;
    // Each client reconnects through the balancer, resubscribes and streams again within 10 s.
    expect(await until(() => clients.every((c) => c.points.some((t) => t > killedAt + 50)), 10_000)).toBe(true);
    for (const k of keys) expect(await upstreamOf(k)).toBe(`127.0.0.1:${instances[0]!.port}`);
    const health = await Promise.all(keys.map((k) => fetch(`${lb}/api/health`, { headers: { cookie: cookieFor(k) } })));
    expect(health.map((r) => r.status)).toEqual(keys.map(() => 200));
  });
});
