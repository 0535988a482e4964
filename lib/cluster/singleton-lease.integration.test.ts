/**
 * Singleton-job leases on the machine's Redis (a key prefix of the test's own), with short
 * timings: one holder at a time, a holder that dies (its connection cut, no release) is replaced
 * once its lease lapses, a released lease is taken at the next attempt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { logger } from '../log';
import { MACHINE_REDIS_URL, testRedisPrefix, waitFor } from '../../tests/shared-cluster-harness';
import { connectRedis, type RedisConnection } from './redis';
import { startSingletonLease, type SingletonLease } from './singleton-lease';

const prefix = `${testRedisPrefix()}:`;
const connections: RedisConnection[] = [];
const leases: SingletonLease[] = [];
const quiet = logger.child({});
quiet.level = 'silent';

function contender(owner: string): { lease: SingletonLease; conn: RedisConnection; taken: number[] } {
  const conn = connectRedis({ url: MACHINE_REDIS_URL, prefix, name: owner, logger: quiet, offlineQueue: false });
  connections.push(conn);
  const lease = startSingletonLease({ redis: conn, name: 'job', owner, logger: quiet, ttlMs: 1_200, renewMs: 200 });
  leases.push(lease);
  const taken: number[] = [];
  lease.onTaken(() => taken.push(Date.now()));
  return { lease, conn, taken };
}

afterAll(async () => {
  await Promise.all(leases.map((l) => l.release()));
  const cleaner = connectRedis({ url: MACHINE_REDIS_URL, prefix, name: 'cleaner', logger: quiet });
  const keys = await cleaner.client.keys(`${prefix}*`);
  if (keys.length) await cleaner.client.del(...keys);
  await Promise.all([...connections, cleaner].map((c) => c.close()));
});

describe('singleton lease', () => {
  it('has one holder; a dead holder is replaced once its lease lapses; a release hands over at once', async () => {
    const one = contender('one');
    const two = contender('two');
    const three = contender('three');
    const all = [one, two, three];
    const holders = () => all.filter((c) => c.lease.held());
    await waitFor(async () => (holders().length === 1 ? true : undefined), 3_000, 'a holder');
    // It stays with one holder over several renewals.
    for (let i = 0; i < 10; i++) {
      expect(holders()).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = holders()[0]!;
    expect(first.taken).toHaveLength(1);

    // The holder dies: no release, its connection is gone.
    first.conn.client.disconnect();
    const died = Date.now();
    const next = await waitFor(async () => all.find((c) => c !== first && c.lease.held()), 5_000, 'another holder');
    // Not before the lease lapsed in Redis (1.2 s), and within a renewal or two after.
    expect(Date.now() - died).toBeGreaterThanOrEqual(900);
    expect(next.ms).toBeLessThan(3_000);
    expect(first.lease.held()).toBe(false);
    expect(next.value.taken).toHaveLength(1);

    // A release hands over at the next attempt, not after the lease's lifetime.
    await next.value.lease.release();
    const last = all.find((c) => c !== first && c !== next.value)!;
    const handed = await waitFor(async () => (last.lease.held() ? true : undefined), 2_000, 'the last contender');
    expect(handed.ms).toBeLessThan(700);
  });
});
