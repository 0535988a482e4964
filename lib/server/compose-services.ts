/**
 * The composition root: builds every part of the console once, in dependency order, into one
 * typed `Services` object. Nothing here is published: the caller (start-console.ts) puts the
 * object into the services slot only once it is complete, so no route or page ever sees a part
 * missing. Returns the services and the shutdown of what was started, in reverse order.
 */
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import type { Repositories } from '../db/repositories';
import type { AuthState } from '../auth/auth-state';
import type { LoginService } from '../auth/login';
import type { LoginThrottle } from '../auth/login-throttle';
import { createUserAdmin } from '../auth/user-admin';
import type { Logger } from '../log';
import type { RealtimeServer } from '../realtime/server';
import { attachStreamHub } from '../realtime/hub';
import type { SocketGuard } from '../realtime/socket-guard';
import { modelBroadcaster } from '../realtime/model-events';
import { annotationBroadcaster } from '../realtime/annotation-events';
import { createTwinService, type TwinService } from '../twin/twin-service';
import { startSourceMonitor } from '../twin/start-sources';
import type { SourceMonitor } from '../twin/source-monitor';
import { createRetentionJob } from '../twin/retention';
import { ModelManager } from '../serving/model-manager';
import { startAlerts } from '../alerts/start-alerts';
import type { AlertService } from '../alerts/alert-service';
import { createAnnotationService } from '../annotations/annotation-service';
import { startBacktests } from '../serving/backtest';
import { IngestStatus } from '../ingest/ingest-status';
import type { ClusterRuntime } from '../cluster/start-cluster';
import { startPlantConnection } from '../ingest/mqtt/plant-connection';
import { assayedYield } from '../plant/ground-truth';
import { applyAssetChanges, startAssetRegistry, toAssetInfo } from '../assets/start-assets';
import { assetsBroadcaster } from '../realtime/asset-events';
import { currentDefaults } from '../alerts/start-alerts';
import { APP_VERSION } from '../version';
import type { Metrics } from '../metrics';
import type { Services } from '../services';
import type { SharedCluster } from '../cluster/start-shared';
import { userChangeHooks } from '../cluster/auth-sync';
import { syncServing } from '../cluster/serving-sync';
import { syncAssets } from '../cluster/asset-sync';
import { rebindOnChange } from '../ingest/sparkplug/sparkplug-rebinding';

export interface ComposeDeps {
  config: Config;
  logger: Logger;
  authSecret: string;
  database: Database;
  repos: Repositories;
  auth: AuthState;
  login: LoginService;
  loginThrottle: LoginThrottle;
  /** socket.io, attached to the (not yet listening) HTTP server: the parts broadcast through it. */
  io: RealtimeServer;
  socketGuard: SocketGuard;
  startedAt: Date;
  metrics: Metrics;
  /** Clustered: cross-instance events, singleton jobs, shared A/B figures (lib/cluster); else null. */
  sharedCluster: SharedCluster | null;
  /** Scale-out (issue 16): the Redis adapter's and the leases' runtime (a no-op when not clustered). */
  cluster: ClusterRuntime;
}

export interface ComposedServices {
  services: Services;
  /** Stops what was started, dependents first; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

/** Builds every part; on a failure part-way, what was already started is stopped before the error goes up. */
export async function composeServices(deps: ComposeDeps): Promise<ComposedServices> {
  const { config, logger, database, repos, auth, io } = deps;
  const { users, audit } = repos;
  // What has been started so far, stopped in this order (dependents first): the plant connection
  // (the message in hand is committed and acknowledged, the rest stays queued at the broker), the
  // retention job, the source monitor, the twin (in-flight batches finish, pending telemetry is
  // written: its last points still reach the engine), the alert engine, the model manager.
  const started: {
    userHooks?: { stop(): void };
    plant?: { close(): Promise<void> };
    retention?: { stop(): Promise<void> };
    sources?: { stop(): void };
    cluster?: { close(): Promise<void> };
    twin?: { close(): Promise<void> };
    backtests?: { close(): Promise<void> };
    alerts?: { close(): Promise<void> };
    models?: { close(): Promise<void> };
  } = {};
  const quietly = async (what: string, stop: (() => Promise<void> | void) | undefined) => {
    try {
      await stop?.();
    } catch (err) {
      logger.warn({ err }, `${what} close failed`);
    }
  };
  const close = async () => {
    const s = { ...started };
    for (const key of Object.keys(started) as (keyof typeof started)[]) delete started[key];
    await quietly('plant connection', s.plant && (() => s.plant!.close()));
    await quietly('retention', s.retention && (() => s.retention!.stop()));
    await quietly('source monitor', s.sources && (() => s.sources!.stop()));
    // Clustered: owned assets are handed over (everything streamed is committed) before the twin stops.
    await quietly('cluster', s.cluster && (() => s.cluster!.close()));
    await quietly('twin', s.twin && (() => s.twin!.close()));
    await quietly('backtests', s.backtests && (() => s.backtests!.close()));
    await quietly('alerts', s.alerts && (() => s.alerts!.close()));
    await quietly('model manager', s.models && (() => s.models!.close()));
    await quietly('user hooks', s.userHooks && (() => s.userHooks!.stop()));
  };
  const { sharedCluster } = deps;
  try {
    // A change applies at once in this process (no stale cached state, no socket left open) and,
    // clustered, on every other instance (lib/cluster/auth-sync.ts).
    const userHooks = userChangeHooks({ io, users, auth, events: sharedCluster?.events ?? null, logger });
    started.userHooks = userHooks;
    const admin = createUserAdmin({
      users,
      audit,
      keys: repos.apiKeys,
      throttle: deps.loginThrottle,
      onUserChanged: userHooks.onUserChanged,
      onSessionsRevoked: userHooks.onSessionsRevoked,
    });

    const models = new ModelManager({
      config,
      logger,
      settings: repos.settings,
      audit,
      broadcast: modelBroadcaster(io),
      // Clustered, an upload through any instance is kept in the database for all of them.
      packages: deps.cluster.clustered ? repos.modelPackages : undefined,
    });
    await models.start();
    started.models = models;
    // The asset registry (issue 15): seeded on a new database, then the twin streams its assets.
    const assets = await startAssetRegistry({ config, repo: repos.assets, audit, models, logger });

    // The hub and the twin need each other: the hub reads the twin's streams when a socket subscribes.
    // (Sockets connect only once the server listens, after the twin exists.)
    const hub = attachStreamHub(io, (assetId) => twin.pipeline.stream(assetId), deps.socketGuard);
    // Consumers of every point that start after the twin: points produced before the engine has
    // loaded its rules are not checked (start-up only).
    const late: { alerts?: AlertService; sources?: SourceMonitor } = {};
    const twin: TwinService = createTwinService({
      assets: assets.list().map(toAssetInfo),
      assetCount: config.ASSET_COUNT,
      externalAssets: config.EXTERNAL_ASSETS,
      simulator: config.SIMULATOR === 'on',
      rateHz: config.SIM_RATE_HZ,
      seed: config.SIM_SEED,
      bufferSeconds: config.BUFFER_SECONDS,
      models,
      sink: repos.telemetry,
      // PostgreSQL overlaps ingest commits (its pool has 10 connections; the rest serve reads).
      commitConcurrency: database.kind === 'postgres' ? 4 : 1,
      hub,
      cluster: deps.cluster.twinOptions(database, io, async (id, ts) => {
        late.sources?.takeOver(id, ts);
        await late.alerts?.reloadAsset(id);
      }),
      truth: assayedYield(config.SIM_SEED),
      onPoint: (assetId, point) => {
        // The source first: a point that ends a stale spell lifts its asset's suppression, so this
        // very point is evaluated by the process alarms again.
        late.sources?.observe(assetId, point.ts);
        late.alerts?.onPoint(assetId, point);
      },
      logger,
    });
    started.twin = twin;

    // Backtests of registered versions on stored history, beside the serving one (issue 19).
    const { history } = repos;
    const backtests = await startBacktests({
      repo: repos.backtests,
      audit,
      loadVersion: (ref) => models.loadVersion(ref),
      serving: () => models.model(),
      hasAsset: (id) => twin.pipeline.hasAsset(id),
      countRows: (assetId, from, to) => history.countRange(assetId, from, to),
      rows: (assetId, from, to, chunk) => history.exportRows(assetId, from, to, chunk),
      chunkRows: config.BACKTEST_CHUNK_ROWS,
      // A job belongs to the instance running it: at start each instance sweeps only its own.
      owner: `${os.hostname()}:${path.resolve(config.DATA_DIR)}`,
      logger,
    });
    started.backtests = backtests;
    const annotations = createAnnotationService({
      repo: repos.annotations,
      audit,
      knownAsset: (id) => twin.pipeline.hasAsset(id),
      broadcast: annotationBroadcaster(io),
    });

    // Clustered, one instance feeds drift checks into the alarm engine (a lease in Redis).
    const driftLease = sharedCluster?.singleton('drift');
    const alerts = await startAlerts({
      config,
      repos,
      audit,
      io,
      twin,
      targetLimits: models.scorer()?.targetLimits ?? null,
      models,
      feedsDrift: driftLease ? () => driftLease.held() : undefined,
      logger,
    });
    late.alerts = alerts;
    started.alerts = alerts;
    // Model choice, A/B test and alarm rules stored on another instance apply here too.
    if (sharedCluster) {
      syncServing({ events: sharedCluster.events, models, alerts, logger });
      sharedCluster.shareAbFigures(models);
      sharedCluster.shareDriftFigures(models, deps.cluster.owns);
    }

    // Stale / offline sources: "no data since" on the cards and a stale-data alert (issue 15).
    const sources = startSourceMonitor({
      config,
      assetIds: twin.pipeline.assets.map((a) => a.id),
      io,
      alerts,
      latestTs: (ids) => repos.telemetry.latestTs(ids),
      logger,
      strike: (socket, reason) => deps.socketGuard.strike(socket, reason),
      ...(deps.cluster.clustered ? { owns: deps.cluster.owns } : {}),
    });
    late.sources = sources;
    started.sources = sources;
    // Clustered: fill the mirrors from the database, then take this instance's share of the assets.
    started.cluster = deps.cluster;
    await deps.cluster.start(io, twin);
    // Creating, editing or retiring an asset takes effect at once (stream, stale, alerts, pickers).
    applyAssetChanges(assets, {
      twin,
      sources,
      addDefaultRules: () => alerts.addDefaults(currentDefaults({ config, twin, targetLimits: null, models })),
      broadcast: assetsBroadcaster(io),
      cluster: deps.cluster,
      logger,
    });
    // Clustered: assets created, edited or retired on another instance apply here too.
    if (sharedCluster) syncAssets({ events: sharedCluster.events, registry: assets, logger });

    // Refusals of every ingest source (HTTP 4xx too) and the plant connection's state, for admins.
    const ingestStatus = new IngestStatus(logger.child({ module: 'ingest' }), (id) => twin.pipeline.hasAsset(id));
    // A Sparkplug death marks the asset's source offline at once (no waiting for the stale limit).
    ingestStatus.onDeviceOffline = (assetId, reason) => sources.markOffline(assetId, reason);
    // Clustered: the admin sees what every instance took and refused, not only the one answering.
    sharedCluster?.shareIngestStatus(ingestStatus);

    // At start and every hour: day partitions made ahead, days older than RETENTION_DAYS dropped.
    // Clustered, one instance runs it (a lease in Redis); a new holder runs it at once.
    const retentionLease = sharedCluster?.singleton('retention');
    const retention = createRetentionJob({
      partitions: repos.partitions,
      retentionDays: config.RETENTION_DAYS,
      logger,
      shouldRun: retentionLease ? () => retentionLease.held() : undefined,
    });
    retentionLease?.onTaken(
      () => void retention.runOnce().catch((err: unknown) => logger.warn({ err }, 'retention pass failed')),
    );
    retention.start();
    started.retention = retention;

    // The plant connection (MQTT JSON + Sparkplug B): only with MQTT_URL (null otherwise: that is
    // configuration); after the alert engine, so that what the broker queued while we were down is
    // checked against the rules too. Start-up does not wait for the broker: the client keeps trying
    // in the background (GET /api/v1/ingest/status shows the state).
    const plant = startPlantConnection({
      config,
      ...(deps.cluster.clustered
        ? { shareAs: { instanceId: deps.cluster.instanceId, group: config.REDIS_KEY_PREFIX } }
        : {}),
      status: ingestStatus,
      logger,
      sparkplugAsset: (group, edge, device) => assets.sparkplugAsset(group, edge, device),
      target: {
        hasAsset: (id) => twin.pipeline.hasAsset(id),
        features: () => twin.catalog().signals.map((s) => s.name),
        signals: (id) => assets.signalMap(id),
        // Late-bound, so the twin's ingest stays the one seam (tests inject a failing commit there).
        ingest: (readings) => twin.ingest(readings),
        submit: (readings) => twin.submit(readings),
      },
    });
    if (plant) started.plant = plant;
    // A device bound to another asset (here or on another instance) is read afresh from its births.
    const sparkplug = plant?.sparkplug;
    if (sparkplug) assets.onChange((change) => rebindOnChange(sparkplug, change));

    const services: Services = {
      config,
      authSecret: deps.authSecret,
      database,
      repos,
      users,
      audit,
      auth,
      metrics: deps.metrics,
      login: deps.login,
      startedAt: deps.startedAt,
      version: APP_VERSION,
      twin,
      alerts,
      models,
      backtests,
      sources,
      admin,
      ingestStatus,
      plant,
      annotations,
      sharedCluster,
      cluster: deps.cluster,
      assets,
    };
    return { services, close };
  } catch (err) {
    await close();
    throw err;
  }
}
