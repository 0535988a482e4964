/**
 * The scale-out runtime's wiring (issue 16), called with a few lines from start-console: the
 * Redis adapter for socket.io, the asset leases, and the twin's clustered stream. Without
 * REDIS_URL + DATABASE_URL it is the single instance that owns every asset, and the console runs
 * exactly as before.
 */
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import { streamRepo } from '../db/stream-repo';
import type { Logger } from '../log';
import { createRedisAdapter, type RedisAdapterHandle } from '../realtime/redis-adapter';
import type { RealtimeServer } from '../realtime/server';
import type { TwinOptions, TwinService } from '../twin/twin-service';
import { instanceId as instanceIdOf, isClustered } from './instance';
import { pgOwnership, type Ownership } from './ownership';
import { redisPrefix } from './redis';

/** What /api/health shows of the cluster. */
export interface ClusterStatus {
  instanceId: string;
  clustered: boolean;
  /** Instances with a live lease connection at the last poll (1 when not clustered). */
  liveInstances: number;
  /** The assets whose pipeline runs here (every asset when not clustered). */
  ownedAssets: string[];
}

export interface ClusterRuntime {
  readonly clustered: boolean;
  readonly instanceId: string;
  /** The socket.io adapter (clustered), for createRealtime. */
  readonly adapter: RedisAdapterHandle['adapter'] | undefined;
  /** Whether this instance runs the asset's pipeline. */
  owns(assetId: string): boolean;
  /** The twin's clustered options (undefined when not clustered). */
  twinOptions(
    database: Database,
    io: RealtimeServer,
    onTaken: (assetId: string, latestTs?: number) => void,
  ): TwinOptions['cluster'];
  /** After the twin, alerts and source monitor exist: fill the mirrors, take assets, follow the owners. */
  start(io: RealtimeServer, twin: TwinService): Promise<void>;
  /**
   * The twin's assets changed (registry, here or on another instance): a new asset is mirrored
   * from what is stored and taken by its owner, a retired one's lease given back, now.
   */
  assetsChanged(change: { kind: 'created' | 'updated' | 'retired'; id: string }): void;
  status(): ClusterStatus;
  /** Gives every owned asset back (graceful handover) and closes the Redis clients. */
  close(): Promise<void>;
}

export async function prepareCluster(config: Config, logger: Logger): Promise<ClusterRuntime> {
  const clustered = isClustered(config);
  const id = instanceIdOf(config);
  // The twin's assets, read live: the registry adds and retires assets at run time.
  let assetIds: () => readonly string[] = () => [];
  let mirror: ((assetId: string) => Promise<void>) | null = null;
  const redis = clustered
    ? await createRedisAdapter({ url: config.REDIS_URL!, prefix: redisPrefix(config), instanceId: id, logger })
    : null;
  const ownership: Ownership | null = clustered
    ? pgOwnership({ url: config.DATABASE_URL!, instanceId: id, assetIds: () => assetIds(), logger })
    : null;
  if (clustered) logger.info({ instance: id }, 'clustered mode: Redis broadcast, one owner per asset');
  return {
    clustered,
    instanceId: id,
    adapter: redis?.adapter,
    owns: (assetId) => (ownership ? ownership.owns(assetId) : true),
    twinOptions(database, io, onTaken) {
      if (!ownership) return undefined;
      return {
        repo: streamRepo(database.db, () => ownership.channel),
        instanceId: id,
        owns: (assetId) => ownership.owns(assetId),
        stepDown: (assetId) => ownership.stepDown(assetId),
        broadcast: (msg) => io.serverSideEmit('twin:point', msg),
        onTaken,
      };
    },
    async start(io, twin) {
      assetIds = () => twin.pipeline.assets.map((a) => a.id);
      if (!ownership || !twin.cluster) return;
      const cluster = twin.cluster;
      mirror = (assetId) => cluster.catchUp(assetId);
      io.on('twin:point', (msg) => cluster.receive(msg));
      await cluster.load();
      await ownership.start(cluster.hooks);
    },
    assetsChanged(change) {
      if (!ownership) return;
      const settle = async () => {
        if (change.kind === 'created') await mirror?.(change.id);
        await ownership.refresh();
      };
      settle().catch((err: unknown) => logger.warn({ err, assetId: change.id }, 'asset ownership not settled yet'));
    },
    status: () => ({
      instanceId: id,
      clustered,
      liveInstances: ownership ? ownership.liveInstances() : 1,
      ownedAssets: ownership ? ownership.owned() : [...assetIds()].sort(),
    }),
    async close() {
      await ownership?.close();
      await redis?.close();
    },
  };
}
