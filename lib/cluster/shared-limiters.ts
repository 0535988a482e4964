/**
 * Rate limiters shared by every instance: with Redis (REDIS_URL) a limiter counts in Redis
 * (rate-limiter-flexible's `RateLimiterRedis`), so a budget holds across the cluster; while Redis
 * is unreachable it falls back to an in-memory limiter of the same shape (its `insuranceLimiter`),
 * i.e. to per-instance budgets, and back to Redis by itself once it answers again. Without Redis
 * the in-memory limiter is all there is (one process).
 *
 * The store lives on `globalThis`: Next bundles route handlers apart from the custom server, and
 * the API's limiters (lib/auth/api-rate-limit.ts) are built in both copies.
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnection } from './redis';

export interface LimiterSpec {
  /** Names the limiter's keys (e.g. `login-user`). */
  keyPrefix: string;
  points: number;
  /** Window, seconds. */
  duration: number;
  /** Seconds a key stays refused once over budget (0: until the window ends). */
  blockDuration?: number;
}

const KEY = Symbol.for('twinops.sharedLimiterStore');
type Holder = { [KEY]?: RedisConnection | null };

/** Sets (or clears, with null) the Redis connection limiters built from now on count in. */
export function setSharedLimiterStore(store: RedisConnection | null): void {
  (globalThis as Holder)[KEY] = store;
}

/** The Redis connection limiters count in, or null (in memory, this process only). */
export function sharedLimiterStore(): RedisConnection | null {
  return (globalThis as Holder)[KEY] ?? null;
}

/** A limiter for `spec`: in Redis with an in-memory insurance limiter, or in memory alone. */
export function createLimiter(spec: LimiterSpec, store = sharedLimiterStore()): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ ...spec });
  if (!store) return memory;
  return new RateLimiterRedis({
    ...spec,
    keyPrefix: `${store.prefix}rl:${spec.keyPrefix}`,
    storeClient: store.client,
    // Not connected: answer from the insurance limiter at once rather than queue or wait.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}
