/**
 * Rate limits of the API, in memory (one process; a shared store comes with scale-out):
 * - per principal (user or API key): `API_RATE_LIMIT_PER_MINUTE` requests a minute, generous by
 *   default so that the UI and benchmarks are never hurt;
 * - per client address: `API_AUTH_FAILURES_PER_MINUTE` failed bearer authentications a minute,
 *   after which the address is refused for a minute before any credential is checked.
 * The console builds one set (lib/server/start-console.ts) and keeps it in its services, so the
 * machine fast path and Next's route handlers count against the same budget.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ApiRateLimitConfig {
  API_RATE_LIMIT_PER_MINUTE: number;
  API_AUTH_FAILURES_PER_MINUTE: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Seconds until a retry may succeed (0 when allowed). */
  retryAfterSeconds: number;
  /** True only for the first refusal of a window, so refusals are audited once, not per request. */
  firstRefusal: boolean;
}

export interface ApiRateLimits {
  /** Counts one request of a principal (`user:<id>` or `key:<prefix>`). */
  consumePrincipal(principalKey: string): Promise<LimitDecision>;
  /** Whether an address is currently refused for too many failed bearer authentications. */
  authFailureBlock(address: string): Promise<LimitDecision>;
  /** Counts a failed bearer authentication from an address. */
  recordAuthFailure(address: string): Promise<void>;
  /** True at most once a window per key: refusals in a flood are audited once, not per request. */
  onceAWindow(key: string, windowMs?: number): boolean;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The API's limiters for this configuration. */
export function createApiRateLimits(config: ApiRateLimitConfig): ApiRateLimits {
  const principal = new RateLimiterMemory({
    keyPrefix: 'api-principal',
    points: config.API_RATE_LIMIT_PER_MINUTE,
    duration: 60,
  });
  const authFailures = new RateLimiterMemory({
    keyPrefix: 'api-auth-fail',
    points: config.API_AUTH_FAILURES_PER_MINUTE,
    duration: 60,
    blockDuration: 60,
  });
  const seen = new Map<string, number>();
  return {
    async consumePrincipal(principalKey) {
      try {
        await principal.consume(principalKey);
        return { allowed: true, retryAfterSeconds: 0, firstRefusal: false };
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        return {
          allowed: false,
          retryAfterSeconds: seconds(res.msBeforeNext),
          firstRefusal: res.consumedPoints === config.API_RATE_LIMIT_PER_MINUTE + 1,
        };
      }
    },
    async authFailureBlock(address) {
      const res = await authFailures.get(address);
      if (!res || res.consumedPoints < config.API_AUTH_FAILURES_PER_MINUTE)
        return { allowed: true, retryAfterSeconds: 0, firstRefusal: false };
      return { allowed: false, retryAfterSeconds: seconds(res.msBeforeNext), firstRefusal: false };
    },
    async recordAuthFailure(address) {
      // consume() rejects once the budget is spent: that is the block, not an error.
      await authFailures.consume(address).catch(() => {});
    },
    onceAWindow(key, windowMs = 60_000) {
      const now = Date.now();
      const last = seen.get(key);
      if (last !== undefined && now - last < windowMs) return false;
      if (seen.size > 10_000) seen.clear();
      seen.set(key, now);
      return true;
    },
  };
}
