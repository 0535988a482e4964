import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { createLimiter } from '../cluster/shared-limiters';
import type { RedisConnection } from '../cluster/redis';

export interface ThrottleOptions {
  /** Failures allowed per username within the window before it is locked. */
  maxFailures: number;
  /** Window and lock length, seconds. */
  lockSeconds: number;
  /** Count in Redis (shared by every instance; in memory while it is unreachable); null: in memory. */
  store?: RedisConnection | null;
}

/**
 * Counts failed logins per username and per client address (an address gets 4x the budget, since
 * several people may share one). Blocked keys are refused before the password is even checked.
 * With a Redis store a lock-out holds on every instance (lib/cluster/shared-limiters.ts).
 */
export function createLoginThrottle({ maxFailures, lockSeconds, store = null }: ThrottleOptions) {
  const byUser = createLimiter(
    { keyPrefix: 'login-user', points: maxFailures, duration: lockSeconds, blockDuration: lockSeconds },
    store,
  );
  const byAddress = createLimiter(
    { keyPrefix: 'login-addr', points: maxFailures * 4, duration: lockSeconds, blockDuration: lockSeconds },
    store,
  );

  async function waitFor(limiter: RateLimiterAbstract, points: number, key: string): Promise<number> {
    const res = await limiter.get(key);
    if (!res || res.consumedPoints < points) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  return {
    /** Seconds to wait before this username/address may try again; 0 when allowed now. */
    async retryAfter(username: string, address: string): Promise<number> {
      const [u, a] = await Promise.all([
        waitFor(byUser, maxFailures, username),
        waitFor(byAddress, maxFailures * 4, address),
      ]);
      return Math.max(u, a);
    },

    async recordFailure(username: string, address: string): Promise<void> {
      // consume() rejects once the budget is spent; that is the lock, not an error.
      await Promise.allSettled([byUser.consume(username), byAddress.consume(address)]);
    },

    async recordSuccess(username: string): Promise<void> {
      await byUser.delete(username);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
