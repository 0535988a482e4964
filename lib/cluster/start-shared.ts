/**
 * The shared half of scale-out, started by the composition root when the console is clustered
 * (REDIS_URL and DATABASE_URL; lib/cluster/instance.ts): Redis
 * connections, the cross-instance event bus, the shared rate-limit store and singleton-job leases.
 * Otherwise it returns null and nothing changes (one process, in-memory limits, every job
 * runs here). Start-up does not wait for Redis: the clients connect in the background, limits use
 * their in-memory insurance until then, and `/api/health` says how Redis is.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/env';
import type { Logger } from '../log';
import { createClusterEvents, type ClusterEvents } from './events';
import { connectRedis, pingRedis, redisPrefix, type RedisConnection } from './redis';
import { startSingletonLease, type SingletonLease } from './singleton-lease';
import { shareAbFigures } from './ab-figures';
import { shareDriftFigures } from './drift-figures';
import { shareIngestStatus } from './ingest-status-figures';
import { instanceId, isClustered } from './instance';
import type { ModelManager } from '../serving/model-manager';
import type { IngestStatus } from '../ingest/ingest-status';

export interface RedisHealth {
  status: 'ok' | 'failed';
  latencyMs?: number;
  reason?: string;
  /** Singleton jobs this instance runs now. */
  jobs: string[];
}

export interface SharedCluster {
  instanceId: string;
  events: ClusterEvents;
  /** Where shared rate limits count (the API's limiters and the login throttle). */
  limits: RedisConnection;
  /** A lease for a job that must run on one instance only (one per name). */
  singleton(name: string): SingletonLease;
  /** Makes the model manager's A/B figures cluster-wide (each instance adds the predictions it served). */
  shareAbFigures(models: Pick<ModelManager, 'abTotals' | 'setPeerAbTotals'>): void;
  /** Makes drift cluster-wide: each instance counts the assets it owns, the figures add up all. */
  shareDriftFigures(models: Pick<ModelManager, 'driftSums' | 'shareDrift'>, owns: (assetId: string) => boolean): void;
  /** Makes the plant connection's status (Admin -> Assets, /api/v1/ingest/status) show every instance's. */
  shareIngestStatus(status: Pick<IngestStatus, 'ownReport' | 'setPeerReports'>): void;
  health(): Promise<RedisHealth>;
  close(): Promise<void>;
}

export function startSharedCluster(opts: { config: Config; logger: Logger }): SharedCluster | null {
  const { config, logger } = opts;
  if (!isClustered(config) || !config.REDIS_URL) return null;
  const base = { url: config.REDIS_URL, prefix: redisPrefix(config), logger };
  const id = instanceId(config);
  // Commands that must not wait for a reconnect: limits (their insurance answers) and leases.
  const limits = connectRedis({ ...base, name: `${id}:limits`, offlineQueue: false, commandTimeoutMs: 500 });
  const publisher = connectRedis({ ...base, name: `${id}:events-pub` });
  const subscriber = connectRedis({ ...base, name: `${id}:events-sub`, commandTimeoutMs: 0 });
  const events = createClusterEvents({ publisher, subscriber, instanceId: id, logger });
  const owner = `${id}:${randomUUID().slice(0, 8)}`;
  const leases = new Map<string, SingletonLease>();
  const stops: (() => void)[] = [];
  logger.info({ instance: id, prefix: config.REDIS_KEY_PREFIX }, 'cluster: shared limits and events over Redis');

  return {
    instanceId: id,
    events,
    limits,
    singleton(name) {
      let lease = leases.get(name);
      if (!lease) {
        lease = startSingletonLease({ redis: limits, name, owner, logger });
        leases.set(name, lease);
      }
      return lease;
    },
    shareAbFigures(models) {
      stops.push(shareAbFigures({ redis: limits, owner, models, logger }));
    },
    shareDriftFigures(models, owns) {
      stops.push(shareDriftFigures({ redis: limits, owner, models, owns, logger }));
    },
    shareIngestStatus(status) {
      stops.push(shareIngestStatus({ redis: limits, owner, status, logger }));
    },
    async health() {
      const jobs = [...leases.values()].filter((l) => l.held()).map((l) => l.name);
      try {
        // Events need the subscription and the publisher as much as limits need theirs.
        const down = [publisher, subscriber].find((c) => !c.ready());
        if (down) throw new Error(`not connected (${down.client.status})`);
        return { status: 'ok', latencyMs: await pingRedis(limits), jobs };
      } catch (err) {
        return { status: 'failed', reason: `redis unreachable: ${(err as Error).message}`, jobs };
      }
    },
    async close() {
      for (const stop of stops.splice(0)) stop();
      await Promise.all([...leases.values()].map((l) => l.release()));
      leases.clear();
      await events.close();
      await Promise.all([limits.close(), publisher.close(), subscriber.close()]);
    },
  };
}
