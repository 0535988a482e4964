/**
 * socket.io across instances (issue 16): the Redis pub/sub adapter (`@socket.io/redis-adapter`)
 * over two connections of its own from the Redis owner (lib/cluster/redis.ts): a subscriber
 * connection can do nothing else. They reconnect by themselves and restore the subscriptions, so
 * broadcasting recovers after a Redis restart; what is published meanwhile is lost, which the
 * app's own resume by seq (mirrors filling gaps from the database) covers for stream points. The
 * adapter publishes without handling a failed command, so its commands wait for the reconnect
 * instead of failing (`waitForReconnect`).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { connectRedisNow, type RedisConnection } from '../cluster/redis';
import type { Logger } from '../log';

export interface RedisAdapterHandle {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/**
 * Connects the adapter's clients (`url`, named after `instanceId`); every channel starts with
 * `<prefix>socket.io` (`prefix` as lib/cluster/redis.ts's `redisPrefix`). Rejects when Redis
 * cannot be reached at start.
 */
export async function createRedisAdapter(opts: {
  url: string;
  prefix: string;
  instanceId: string;
  logger: Logger;
}): Promise<RedisAdapterHandle> {
  const base = { url: opts.url, prefix: opts.prefix, logger: opts.logger, waitForReconnect: true };
  const connected = await Promise.allSettled([
    connectRedisNow({ ...base, name: `${opts.instanceId}:io-pub` }),
    connectRedisNow({ ...base, name: `${opts.instanceId}:io-sub` }),
  ]);
  const clients = connected.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  const closeAll = (conns: RedisConnection[]) => Promise.all(conns.map((c) => c.close())).then(() => undefined);
  const failed = connected.find((c) => c.status === 'rejected');
  if (failed) {
    await closeAll(clients);
    throw failed.reason;
  }
  const [pub, sub] = clients as [RedisConnection, RedisConnection];
  return {
    adapter: createAdapter(pub.client, sub.client, { key: `${opts.prefix}socket.io` }),
    close: () => closeAll([pub, sub]),
  };
}
