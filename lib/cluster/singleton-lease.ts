/**
 * "Run this job on one instance of the cluster": a lease in Redis (`SET key me NX PX ttl`), renewed
 * by its holder every `renewMs` and taken by another instance once it lapses, i.e. within `ttlMs`
 * plus one renewal period after the holder died. The holder counts itself the holder only until
 * its last successful renewal plus `ttlMs` minus a margin, so two instances never both think they
 * hold it for long, even when the holder loses Redis. While Redis is unreachable nobody holds it:
 * the jobs it guards (retention, drift checks into the alarm engine) wait, they are not urgent.
 */
import type { Logger } from '../log';
import type { RedisConnection } from './redis';

export interface SingletonLease {
  readonly name: string;
  /** Whether this instance holds the lease now. */
  held(): boolean;
  /** Calls `listener` whenever this instance takes the lease (at start or from a dead holder). */
  onTaken(listener: () => void): void;
  /** Gives the lease up (shutdown), so another instance takes it at once. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  redis: RedisConnection;
  name: string;
  /** Who holds it (unique per process). */
  owner: string;
  logger: Logger;
  ttlMs?: number;
  renewMs?: number;
  now?: () => number;
}

export const LEASE_TTL_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;

// Extend only our own lease; delete only our own lease (a lapsed one may be someone else's now).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Starts competing for the lease `name` at once and keeps at it until `release`. */
export function startSingletonLease(opts: LeaseOptions): SingletonLease {
  const ttl = opts.ttlMs ?? LEASE_TTL_MS;
  const renewMs = opts.renewMs ?? LEASE_RENEW_MS;
  const now = opts.now ?? Date.now;
  const key = `${opts.redis.prefix}lease:${opts.name}`;
  const log = opts.logger.child({ module: 'singleton', job: opts.name });
  const client = opts.redis.client;
  // Held until this time (local clock); 0: not held.
  let until = 0;
  let stopped = false;
  let busy = false;
  const takenListeners: (() => void)[] = [];

  async function attempt(): Promise<void> {
    if (busy || stopped) return;
    busy = true;
    const t0 = now();
    const wasHeld = until > t0;
    try {
      const ok =
        until > 0
          ? Number(await client.eval(RENEW, 1, key, opts.owner, String(ttl))) === 1 ||
            (await client.set(key, opts.owner, 'PX', ttl, 'NX')) === 'OK'
          : (await client.set(key, opts.owner, 'PX', ttl, 'NX')) === 'OK';
      // A margin of one renewal period: the lease is given up locally before Redis lets it lapse.
      until = ok && !stopped ? t0 + ttl - renewMs : 0;
    } catch {
      // Redis unreachable: keep what we had until it runs out, then count as not holding.
      if (until <= now()) until = 0;
    } finally {
      busy = false;
    }
    const isHeld = until > now();
    if (isHeld === wasHeld) return;
    log.info({ owner: opts.owner }, isHeld ? 'singleton job lease taken' : 'lease lost');
    if (isHeld)
      for (const l of takenListeners) {
        try {
          l();
        } catch (err) {
          log.warn({ err }, 'lease listener failed');
        }
      }
  }

  void attempt();
  const timer = setInterval(() => void attempt(), renewMs);
  timer.unref();

  return {
    name: opts.name,
    held: () => until > now(),
    onTaken: (listener) => void takenListeners.push(listener),
    async release() {
      stopped = true;
      clearInterval(timer);
      const had = until > 0;
      until = 0;
      if (had && opts.redis.ready()) await client.eval(RELEASE, 1, key, opts.owner).catch(() => undefined);
    },
  };
}
