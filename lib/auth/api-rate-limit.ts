/**
 * Rate limits of the API, shared by every instance through Redis when REDIS_URL is set (with an
 * in-memory fallback while Redis is unreachable; lib/cluster/shared-limiters.ts), else in memory:
 * - per principal (user or API key): `API_RATE_LIMIT_PER_MINUTE` requests a minute, generous by
 *   default so that the UI and benchmarks are never hurt;
 * - per client address: `API_AUTH_FAILURES_PER_MINUTE` failed bearer authentications a minute,
 *   after which the address is refused for a minute before any credential is checked.
 * The limiters live on `globalThis` (route handlers are bundled apart from the server) and are
 * rebuilt when the configuration object or the shared store changes (a new process or test harness).
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createLimiter, sharedLimiterStore } from '../cluster/shared-limiters';

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

interface Limiters {
  config: ApiRateLimitConfig;
  store: ReturnType<typeof sharedLimiterStore>;
  principal: RateLimiterAbstract;
  authFailures: RateLimiterAbstract;
}

const KEY = Symbol.for('twinops.apiRateLimits');
type Holder = { [KEY]?: Limiters };

function limiters(config: ApiRateLimitConfig): Limiters {
  const holder = globalThis as Holder;
  const current = holder[KEY];
  const store = sharedLimiterStore();
  if (current && current.config === config && current.store === store) return current;
  const built: Limiters = {
    config,
    store,
    principal: createLimiter(
      { keyPrefix: 'api-principal', points: config.API_RATE_LIMIT_PER_MINUTE, duration: 60 },
      store,
    ),
    authFailures: createLimiter(
      { keyPrefix: 'api-auth-fail', points: config.API_AUTH_FAILURES_PER_MINUTE, duration: 60, blockDuration: 60 },
      store,
    ),
  };
  holder[KEY] = built;
  return built;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Counts one request of a principal (`user:<id>` or `key:<prefix>`). */
export async function consumePrincipal(config: ApiRateLimitConfig, principalKey: string): Promise<LimitDecision> {
  const { principal } = limiters(config);
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
}

/** Whether an address is currently refused for too many failed bearer authentications. */
export async function authFailureBlock(config: ApiRateLimitConfig, address: string): Promise<LimitDecision> {
  const res = await limiters(config).authFailures.get(address);
  if (!res || res.consumedPoints < config.API_AUTH_FAILURES_PER_MINUTE)
    return { allowed: true, retryAfterSeconds: 0, firstRefusal: false };
  return { allowed: false, retryAfterSeconds: seconds(res.msBeforeNext), firstRefusal: false };
}

/** Counts a failed bearer authentication from an address. */
export async function recordAuthFailure(config: ApiRateLimitConfig, address: string): Promise<void> {
  // consume() rejects once the budget is spent: that is the block, not an error.
  await limiters(config)
    .authFailures.consume(address)
    .catch(() => {});
}
