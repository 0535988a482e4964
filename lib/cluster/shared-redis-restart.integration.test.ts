/**
 * Redis goes away under two running instances (a private redis-server of this test, killed and
 * started again on the same port; the machine's Redis is never touched): requests are still
 * answered, limits fall back to each instance's in-memory insurance limiter, health says
 * "degraded"; once Redis is back, limits count for the cluster again and events flow again.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  freePort,
  privateRedis,
  startInstance,
  testRedisPrefix,
  waitFor,
  type Instance,
} from '../../tests/shared-cluster-harness';

const LIMIT = 5;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof privateRedis>;
let a: Instance;
let b: Instance;
const sockets: Socket[] = [];

type Health = { status: string; checks: { redis: { status: string; reason?: string } } };
const health = async (inst: Instance) => (await (await fetch(`${inst.url}/api/health`)).json()) as Health;
const get = (inst: Instance, key: string) =>
  fetch(`${inst.url}/api/v1/twin/status`, { headers: { authorization: `Bearer ${key}` } });

/** Sends `n` requests alternating A, B; the statuses per instance. */
async function burst(key: string, n: number): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const status = (await get(i % 2 ? b : a, key)).status;
    // Never waits for Redis: the insurance limiter answers at once.
    expect(performance.now() - t0).toBeLessThan(1_000);
    (i % 2 ? out.b : out.a).push(status);
  }
  return out;
}
function socketTo(inst: Instance, cookie: string): Promise<Socket> {
  const s = connect(inst.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('session:ready', () => resolve(s));
    s.once('connect_error', reject);
  });
}
const allowed = (statuses: number[]) => statuses.filter((s) => s === 200).length;

beforeAll(async () => {
  redis = privateRedis(await freePort());
  await redis.start();
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: testRedisPrefix(),
    API_RATE_LIMIT_PER_MINUTE: String(LIMIT),
  };
  a = await startInstance('a', env);
  b = await startInstance('b', env);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  await database?.drop();
}, 60_000);

describe('Redis restarted under two instances', () => {
  it('falls back to per-instance limits while Redis is down, and shares limits and events again once it is back', async () => {
    const ivy = await a.run<{ key: string }>('user', { username: 'ivy' });
    const uma = await a.run<{ key: string; cookie: string }>('user', { username: 'uma' });
    const vic = await a.run<{ key: string }>('user', { username: 'vic' });

    const wes = await a.run<{ cookie: string }>('user', { username: 'wes' });
    const wesSocket = await socketTo(b, wes.cookie);
    const wesClosed = new Promise<void>((resolve) => wesSocket.once('disconnect', () => resolve()));

    await redis.stop();
    for (const inst of [a, b])
      await waitFor(
        async () => ((await health(inst)).checks.redis.status === 'failed' ? true : undefined),
        5_000,
        `${inst.name} to report Redis down`,
      );
    expect(await health(a)).toMatchObject({ status: 'degraded', checks: { redis: { status: 'failed' } } });

    // Disabled while the instances cannot tell each other: B learns it when Redis is back.
    await a.run('disable', { username: 'wes' });

    // Each instance keeps its own budget meanwhile (the insurance limiter): LIMIT each, not shared.
    const down = await burst(ivy.key, 4 * LIMIT);
    expect(allowed(down.a)).toBe(LIMIT);
    expect(allowed(down.b)).toBe(LIMIT);
    expect([...down.a, ...down.b].every((s) => s === 200 || s === 429)).toBe(true);

    await redis.start();
    for (const inst of [a, b])
      await waitFor(
        async () => ((await health(inst)).status === 'ok' ? true : undefined),
        10_000,
        `${inst.name} to report Redis back`,
      );

    // B resynchronised on reconnecting: the socket of the user disabled meanwhile is closed.
    await Promise.race([
      wesClosed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('socket of wes still open')), 5_000)),
    ]);

    // Shared again: LIMIT for both together.
    const up = await burst(vic.key, 4 * LIMIT);
    expect(allowed(up.a) + allowed(up.b)).toBe(LIMIT);

    // Events flow again: a user disabled on A loses their socket on B within 1 s.
    const socket = await socketTo(b, uma.cookie);
    const closed = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(performance.now())));
    await a.run('disable', { username: 'uma' });
    const t0 = performance.now();
    expect((await closed) - t0).toBeLessThan(1_000);
  });
});
