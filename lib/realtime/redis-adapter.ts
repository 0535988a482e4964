/**
 * socket.io across instances (issue 16): the Redis pub/sub adapter (`@socket.io/redis-adapter`)
 * with two ioredis connections of its own (a subscriber connection can do nothing else). ioredis
 * reconnects by itself and restores the subscriptions, so broadcasting recovers after a Redis
 * restart; what is published meanwhile is lost, which the app's own resume by seq (mirrors
 * filling gaps from the database) covers for stream points. Only this module talks to Redis for
 * socket.io.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from '../log';

export interface RedisAdapterHandle {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/** Connects the adapter's clients (`url`); every channel starts with `<keyPrefix>:socket.io`. */
export async function createRedisAdapter(url: string, keyPrefix: string, logger: Logger): Promise<RedisAdapterHandle> {
  const log = logger.child({ module: 'redis-adapter' });
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectionName: `${keyPrefix}-io-pub` });
  const sub = pub.duplicate({ connectionName: `${keyPrefix}-io-sub` });
  let warned = 0;
  for (const c of [pub, sub]) {
    // Logged at most every 10 s: a Redis outage must not flood the log (ioredis retries by itself).
    c.on('error', (err: Error) => {
      if (Date.now() - warned < 10_000) return;
      warned = Date.now();
      log.warn({ err: err.message }, 'redis connection error (socket.io broadcast between instances paused)');
    });
  }
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub, { key: `${keyPrefix}:socket.io` }),
    async close() {
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}
