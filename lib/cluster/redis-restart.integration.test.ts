/**
 * Scale-out (issue 16): Redis restarted mid-stream. Two consoles on a Redis of the test's own
 * (a throwaway redis-server on a free port, never the machine's): a client on the instance that
 * does not own the asset keeps one contiguous stream although the points published while Redis
 * was down never crossed it; the adapter's ioredis clients reconnect by themselves and the
 * mirror fills the gap from the database when the next point shows it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, expectContiguous, reading, until } from '../../tests/cluster-harness';

let redis: ChildProcess | null = null;
let port = 0;
let h: ClusterHarness;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(true)); // taken: redis listens
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      }),
    10_000,
    'redis-server listening',
  );
}

async function stopRedis(): Promise<void> {
  const r = redis;
  redis = null;
  if (!r || r.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    r.once('exit', () => resolve());
    r.kill('SIGKILL');
  });
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  h = new ClusterHarness(`redis://127.0.0.1:${port}`);
  await h.createDatabase();
  for (const n of ['a', 'b']) await h.start(n);
}, 240_000);

afterAll(async () => {
  await h?.close();
  await stopRedis();
});

it('streaming across instances recovers by itself after Redis restarts mid-stream', { timeout: 90_000 }, async () => {
  const owners = await h.settledOwners(['a', 'b'], 30_000, (o) => new Set(o.values()).size === 2);
  const assetId = [...owners].find(([, owner]) => owner === 'b')![0];
  const viewer = h.client('a');
  await viewer.subscribe(assetId);
  let ts = Date.now();
  const send = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const res = await h.post('b', assetId, [reading((ts += 10))]);
      expect(res.status).toBe(201);
    }
  };
  const got = () => viewer.points.get(assetId)!;

  await send(5);
  await until(async () => got().length >= 5, 10_000, 'points before the restart');

  await stopRedis();
  await send(5); // committed and streamed on b; the broadcast to a is lost
  await new Promise((r) => setTimeout(r, 500));
  await startRedis();
  // The adapter's clients reconnect and resubscribe by themselves; then the stream goes on.
  await until(
    async () => {
      await send(1);
      return got().length >= 11;
    },
    30_000,
    'points after the restart',
  );
  const stored = await h.query<{ n: string }>(
    `select count(*) as n from telemetry where asset_id = $1 and seq is not null`,
    [assetId],
  );
  await until(async () => got().length >= Number(stored[0]!.n), 10_000, 'every stored point on the client');
  expectContiguous(got());
  expect(got().map((p) => p.ts)).toEqual([...got().map((p) => p.ts)].sort((x, y) => x - y));
});
