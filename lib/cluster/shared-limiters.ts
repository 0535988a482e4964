/**
 * Rate limiters shared by every instance: with Redis (REDIS_URL) a limiter counts in Redis
 * (rate-limiter-flexible's `RateLimiterRedis`), so a budget holds across the cluster; while Redis
 * is unreachable it falls back to an in-memory limiter of the same shape (its `insuranceLimiter`),
 * i.e. to per-instance budgets, and back to Redis by itself once it answers again. Without Redis
 * the in-memory limiter is all there is (one process). The console hands the store to the API's
 * limiters (lib/auth/auth-state.ts) and the login throttle.
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

/** A limiter for `spec`: in Redis with an in-memory insurance limiter, or in memory alone. */
export function createLimiter(spec: LimiterSpec, store: RedisConnection | null): RateLimiterAbstract {
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
