/**
 * Tells the running instances about changes made by a short-lived process (the users CLI):
 * connects, publishes, disconnects. Unclustered (no REDIS_URL or no DATABASE_URL) it does nothing (the instances see the
 * change within their caches' lifetime, 5 s). A Redis that does not answer is reported, not
 * fatal: the change is stored, only its prompt effect elsewhere is lost.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/env';
import type { Logger } from '../log';
import { encodeEvent, eventsChannel, type ClusterEvent } from './events';
import { connectRedis, redisPrefix } from './redis';
import { instanceId, isClustered } from './instance';

/** Publishes `events` (duplicates dropped) to the cluster; resolves false when Redis did not take them. */
export async function publishOnce(
  config: Pick<Config, 'REDIS_URL' | 'DATABASE_URL' | 'REDIS_KEY_PREFIX' | 'INSTANCE_ID'>,
  events: ClusterEvent[],
  logger: Logger,
): Promise<boolean> {
  if (!isClustered(config) || !config.REDIS_URL || !events.length) return true;
  const id = instanceId(config);
  const conn = connectRedis({
    url: config.REDIS_URL,
    prefix: redisPrefix(config),
    name: `${id}:publish-once`,
    logger,
    commandTimeoutMs: 2_000,
  });
  const from = randomUUID();
  const unique = [...new Map(events.map((e) => [JSON.stringify(e), e])).values()];
  try {
    for (const e of unique) await conn.client.publish(eventsChannel(conn.prefix), encodeEvent(e, from, id));
    return true;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'running consoles not told (they see it within 5 s)');
    return false;
  } finally {
    await conn.close();
  }
}
