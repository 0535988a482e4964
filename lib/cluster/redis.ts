/**
 * The one owner of Redis connections (ioredis). Every Redis client of the console is made here,
 * so reconnection, timeouts and error logging are the same everywhere:
 * - clients reconnect by themselves, forever, with a capped backoff (Redis restarts are normal);
 * - `offlineQueue: false` makes commands fail at once while disconnected (what
 *   rate-limiter-flexible needs to fall back to its insurance limiter instead of waiting), and a
 *   command timeout does the same for a Redis that hangs;
 * - an error event is logged (at most every 10 s per client) instead of crashing the process;
 * - `waitForReconnect` is for a caller that never handles a failed command (the socket.io Redis
 *   adapter publishes without a catch; a rejection there would crash the process): its commands
 *   wait in the offline queue until Redis is back, however long that takes.
 *
 * Keys and channels are prefixed by the caller with `RedisConnection.prefix` (REDIS_KEY_PREFIX),
 * not by ioredis' `keyPrefix`: that option does not apply to pub/sub channels nor to every
 * command, and one explicit rule is easier to trust. Tests use a prefix of their own.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log';

export interface RedisConnection {
  client: Redis;
  /** Prepended to every key and channel (e.g. `twinops:`). */
  prefix: string;
  /** Whether the client is connected and ready for commands now. */
  ready(): boolean;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  url: string;
  prefix: string;
  /** Shown in logs and in `CLIENT LIST`. */
  name: string;
  logger: Logger;
  /** Queue commands while disconnected and send them on reconnect (default true). */
  offlineQueue?: boolean;
  /** A command with no answer within this fails (default 1,000 ms; 0: none, for subscribers). */
  commandTimeoutMs?: number;
  /** Commands never fail for a lost connection or a timeout: they wait for the reconnect (see above). */
  waitForReconnect?: boolean;
}

/** `REDIS_KEY_PREFIX` as the start of every key and channel name (`twinops` -> `twinops:`). */
export const redisPrefix = (config: { REDIS_KEY_PREFIX: string }): string => `${config.REDIS_KEY_PREFIX}:`;

/** Backoff between reconnection attempts: 100 ms, 200 ms, ... capped at 2 s; never gives up. */
export const reconnectDelay = (attempt: number): number => Math.min(attempt * 100, 2_000);

const ERROR_LOG_EVERY_MS = 10_000;

/** Opens a Redis client (it connects in the background and keeps reconnecting). */
export function connectRedis(opts: RedisConnectOptions): RedisConnection {
  return openRedis(opts, false);
}

/**
 * Opens a Redis client and waits for its first connection; rejects (the client closed) when Redis
 * cannot be reached now. Afterwards it reconnects by itself like any other.
 */
export async function connectRedisNow(opts: RedisConnectOptions): Promise<RedisConnection> {
  const conn = openRedis(opts, true);
  try {
    await conn.client.connect();
    return conn;
  } catch (err) {
    conn.client.disconnect();
    throw err;
  }
}

function openRedis(opts: RedisConnectOptions, lazyConnect: boolean): RedisConnection {
  const log = opts.logger.child({ module: 'redis', client: opts.name });
  const wait = opts.waitForReconnect ?? false;
  const timeout = wait ? 0 : (opts.commandTimeoutMs ?? 1_000);
  const client = new Redis(opts.url, {
    connectionName: opts.name,
    lazyConnect,
    enableOfflineQueue: wait || (opts.offlineQueue ?? true),
    // Commands caught by a broken connection are retried once after the reconnect, then fail:
    // callers never wait for Redis indefinitely (unless they asked to: `waitForReconnect`).
    maxRetriesPerRequest: wait ? null : 1,
    ...(timeout > 0 ? { commandTimeout: timeout } : {}),
    connectTimeout: 2_000,
    retryStrategy: reconnectDelay,
    // Subscriptions are restored by ioredis itself after a reconnect.
    autoResubscribe: true,
  });
  let lastLogged = 0;
  let wasReady = false;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_EVERY_MS) return;
    lastLogged = now;
    log.warn({ err: err.message }, 'redis unavailable; retrying');
  });
  client.on('ready', () => {
    if (wasReady) log.info('redis connection restored');
    wasReady = true;
    lastLogged = 0;
  });
  return {
    client,
    prefix: opts.prefix,
    ready: () => client.status === 'ready',
    async close() {
      // quit() waits for replies in flight; a dead connection cannot answer, so disconnect then.
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

/** Round trip with a bound on the wait, for health checks. */
export async function pingRedis(conn: RedisConnection, timeoutMs = 1_000): Promise<number> {
  if (!conn.ready()) throw new Error(`not connected (${conn.client.status})`);
  const t0 = performance.now();
  await Promise.race([
    conn.client.ping(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
  return Math.round((performance.now() - t0) * 10) / 10;
}
