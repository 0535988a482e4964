/**
 * Builds and starts the whole console process: config -> data dir lock -> database (migrated) ->
 * first admin -> Next -> HTTP server with socket.io. `server.ts` calls it; integration tests can
 * too, with their own config. Returns a handle whose `close()` is the graceful shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/env';
import { resolveAuthSecret } from '../config/secret';
import { auditRepo } from '../db/audit-repo';
import { openDatabase, type Database } from '../db/client';
import { acquireDataDirLock } from '../db/lock';
import { usersRepo } from '../db/users-repo';
import { ensureFirstAdmin } from '../auth/bootstrap-admin';
import { CLIENT_ADDRESS_HEADER, clientAddressOf, trustedProxies } from '../auth/client-address';
import { createOriginPolicy, parseAllowedOrigins } from '../auth/origin-policy';
import { createLoginService } from '../auth/login';
import { createLoginThrottle } from '../auth/login-throttle';
import { createUserAdmin } from '../auth/user-admin';
import { currentUserState, forgetUserState } from '../auth/user-state';
import { apiKeysRepo } from '../db/api-keys-repo';
import { disconnectUserSockets, setUserSocketsRole } from '../realtime/user-sockets';
import type { Logger } from '../log';
import { createRealtime, type RealtimeServer } from '../realtime/server';
import { attachStreamHub } from '../realtime/hub';
import { createSocketGuard } from '../realtime/socket-guard';
import { setConnectedSocketsSource } from '../metrics';
import { telemetryHistoryRepo, telemetryRepo } from '../db/telemetry-repo';
import { createRetentionJob } from '../twin/retention';
import { createTwinService } from '../twin/twin-service';
import { startSourceMonitor } from '../twin/start-sources';
import type { SourceMonitor } from '../twin/source-monitor';
import { startAlerts } from '../alerts/start-alerts';
import type { AlertService } from '../alerts/alert-service';
import { ModelManager } from '../serving/model-manager';
import { settingsRepo } from '../db/settings-repo';
import { modelBroadcaster } from '../realtime/model-events';
import { annotationBroadcaster } from '../realtime/annotation-events';
import { annotationsRepo } from '../db/annotations-repo';
import { createAnnotationService } from '../annotations/annotation-service';
import { assayedYield } from '../plant/ground-truth';
import { setServices, type Services } from '../services';
import { accessLogLevel, machineApi } from './machine-api';
import { refuseForeignOrigin } from './origin-refusal';
import { setSecurityHeaders } from './security-headers';
import { createBacktests } from '../serving/backtest';
import { APP_VERSION } from '../version';
import { checkHealth } from '../health';
import path from 'node:path';
import { IngestStatus } from '../ingest/ingest-status';
import { startPlantConnection } from '../ingest/mqtt/plant-connection';
import type { MqttIngest } from '../ingest/mqtt/mqtt-ingest';

export interface ConsoleHandle {
  url: string;
  port: number;
  services: Services;
  io: RealtimeServer;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  dev: boolean;
  /**
   * false: no Next.js (no pages, no route handlers), everything else as in production. For
   * integration tests of the realtime layer, which run before any web build exists.
   */
  web?: boolean;
  /** Printed once on first run (the generated admin password). Defaults to stdout. */
  announce?: (text: string) => void;
}

export async function startConsole({
  config,
  logger,
  dev,
  web = true,
  announce = (t) => process.stdout.write(`${t}\n`),
}: StartOptions): Promise<ConsoleHandle> {
  const t0 = performance.now();
  logger.level = config.LOG_LEVEL;
  const releaseLock = config.DATABASE_URL ? () => {} : acquireDataDirLock(config.dataDir, 'console');
  let database: Database | undefined;
  let plant: MqttIngest | null = null;
  try {
    const { secret } = resolveAuthSecret(config.dataDir, config.NEXTAUTH_SECRET);
    // next-auth (route handlers, proxy) reads these from the environment.
    process.env.NEXTAUTH_SECRET = secret;
    process.env.NEXTAUTH_URL = config.publicUrl;
    process.env.SESSION_MAX_AGE_HOURS = String(config.SESSION_MAX_AGE_HOURS);

    database = await openDatabase({
      url: config.DATABASE_URL,
      pgliteDir: path.join(config.dataDir, 'pglite'),
      pgliteSharedBuffers: config.PGLITE_SHARED_BUFFERS,
    });
    logger.info({ database: database.description }, 'database ready');
    const users = usersRepo(database.db);
    const audit = auditRepo(database.db);
    const loginThrottle = createLoginThrottle({
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockSeconds: config.LOGIN_LOCK_SECONDS,
    });
    const login = createLoginService({
      users,
      audit,
      throttle: loginThrottle,
    });
    const services: Services = {
      config,
      authSecret: secret,
      database,
      users,
      audit,
      login,
      startedAt: new Date(),
      version: APP_VERSION,
      twin: null,
    };
    setServices(services);

    const firstAdmin = await ensureFirstAdmin(users, audit, config.ADMIN_PASSWORD);
    if (firstAdmin?.password) {
      announce(
        [
          '',
          '  First run: created the admin account.',
          `    username: ${firstAdmin.username}`,
          `    password: ${firstAdmin.password}`,
          '  This password is shown only once. Change it after logging in.',
          '',
        ].join('\n'),
      );
    } else if (firstAdmin) {
      announce('  First run: created the admin account with the password from ADMIN_PASSWORD.');
    }

    const app = web ? next({ dev, dir: process.cwd(), hostname: config.HOSTNAME, port: config.PORT }) : null;
    await app?.prepare();
    const handle = app
      ? app.getRequestHandler()
      : (req: IncomingMessage, res: ServerResponse) => {
          // Without Next the health probe is still served (integration tests and benches poll it).
          if (req.method === 'GET' && req.url === '/api/health') {
            void checkHealth(services).then((report) =>
              res
                .writeHead(report.status === 'unhealthy' ? 503 : 200, {
                  'content-type': 'application/json',
                  'cache-control': 'no-store',
                })
                .end(JSON.stringify(report)),
            );
            return;
          }
          res.writeHead(404).end();
        };
    const httpLogger = pinoHttp({
      logger: logger.child({ module: 'http' }),
      // Next's own assets and hot-reload traffic would drown the log.
      autoLogging: { ignore: (req) => Boolean(req.url?.startsWith('/_next/') || req.url?.startsWith('/socket.io')) },
      // One short line per request; headers (cookies, tokens) never reach the log.
      serializers: {
        req: (req: { method?: string; url?: string; remoteAddress?: string }) => ({
          method: req.method,
          url: req.url,
          address: req.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => accessLogLevel(res.statusCode, Boolean(err)),
    });

    // Bearer calls to the hot twin endpoints skip Next's request path (see machine-api.ts).
    const fastPath = machineApi('http://localhost', logger);
    const publicUrlIsHttps = config.publicUrl.startsWith('https://');
    const origins = createOriginPolicy({
      publicUrl: config.publicUrl,
      allowedOrigins: parseAllowedOrigins(config.ALLOWED_ORIGINS),
    });
    const proxies = trustedProxies(config.TRUSTED_PROXIES);
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf(
        req.socket.remoteAddress,
        req.headers['x-forwarded-for'],
        proxies,
      );
      setSecurityHeaders(req, res, publicUrlIsHttps);
      const verdict = origins.checkRequest(req.method, req.headers);
      if (!verdict.ok) return refuseForeignOrigin(req, res, verdict.reason, logger);
      // The fast path writes its own access-log line (see machine-api.ts).
      if (fastPath(req, res)) return;
      httpLogger(req, res);
      void handle(req, res);
    });
    // Per-socket event limits; an abusive socket is cut off and audited (issue 14).
    const socketGuard = createSocketGuard({ logger, audit });
    const io = createRealtime(server, {
      guard: socketGuard,
      origins,
      authSecret: secret,
      secureCookie: publicUrlIsHttps,
      sessionMaxAgeSeconds: Math.round(config.SESSION_MAX_AGE_HOURS * 3600),
      logger,
      userState: (id) => currentUserState(users, id),
    });
    services.admin = createUserAdmin({
      users,
      audit,
      keys: apiKeysRepo(database.db),
      throttle: loginThrottle,
      // A change applies at once in this process: no stale cached state, no socket left open.
      onUserChanged: (user) => {
        forgetUserState(user.id);
        if (user.disabled) disconnectUserSockets(io, user.id);
        else setUserSocketsRole(io, user.id, user.role);
      },
      // Revoked sessions: their open sockets go too (a tab whose own session was re-issued
      // reconnects with its new cookie).
      onSessionsRevoked: (user) => {
        forgetUserState(user.id);
        disconnectUserSockets(io, user.id);
      },
    });
    setConnectedSocketsSource(() => io.engine.clientsCount);
    const hub = attachStreamHub(io, (assetId) => twin.pipeline.stream(assetId), socketGuard);
    const models = new ModelManager({
      config,
      logger,
      settings: settingsRepo(database.db),
      audit,
      broadcast: modelBroadcaster(io),
    });
    await models.start();
    services.models = models;
    // Points before the engine has loaded its rules are not checked (start-up only).
    let alerts: AlertService | null = null;
    let sources: SourceMonitor | null = null;
    const twin = createTwinService({
      assetCount: config.ASSET_COUNT,
      externalAssets: config.EXTERNAL_ASSETS,
      simulator: config.SIMULATOR === 'on',
      rateHz: config.SIM_RATE_HZ,
      seed: config.SIM_SEED,
      bufferSeconds: config.BUFFER_SECONDS,
      models,
      sink: telemetryRepo(database.db),
      // PostgreSQL overlaps ingest commits (its pool has 10 connections; the rest serve reads).
      commitConcurrency: database.kind === 'postgres' ? 4 : 1,
      hub,
      truth: assayedYield(config.SIM_SEED),
      onPoint: (assetId, point) => {
        // The source first: a point that ends a stale spell lifts its asset's suppression, so this
        // very point is evaluated by the process alarms again.
        sources?.observe(assetId, point.ts);
        alerts?.onPoint(assetId, point);
      },
      logger,
    });
    services.twin = twin;
    // Backtests of registered versions on stored history, beside the serving one (issue 19).
    const history = telemetryHistoryRepo(database.db);
    services.backtests = createBacktests({
      loadVersion: (ref) => models.loadVersion(ref),
      serving: () => models.model(),
      hasAsset: (id) => twin.pipeline.hasAsset(id),
      countRows: (assetId, from, to) => history.countRange(assetId, from, to),
      rows: (assetId, from, to, chunk) => history.exportRows(assetId, from, to, chunk),
      logger,
    });
    services.annotations = createAnnotationService({
      repo: annotationsRepo(database.db),
      audit,
      knownAsset: (id) => twin.pipeline.hasAsset(id),
      broadcast: annotationBroadcaster(io),
    });
    alerts = await startAlerts({
      config,
      database,
      audit,
      io,
      twin,
      targetLimits: models.scorer()?.targetLimits ?? null,
      models,
      logger,
    });
    services.alerts = alerts;
    // Stale / offline sources: "no data since" on the cards and a stale-data alert (issue 15).
    sources = startSourceMonitor({
      config,
      assetIds: twin.pipeline.assets.map((a) => a.id),
      io,
      alerts,
      latestTs: (ids) => telemetryRepo(database!.db).latestTs(ids),
      logger,
      strike: (socket, reason) => socketGuard.strike(socket, reason),
    });
    services.sources = sources;
    // Refusals of every ingest source (HTTP 4xx too) and the plant connection's state, for admins.
    const ingestStatus = new IngestStatus(logger.child({ module: 'ingest' }), (id) => twin.pipeline.hasAsset(id));
    services.ingestStatus = ingestStatus;
    // A Sparkplug death marks the asset's source offline at once (no waiting for the stale limit).
    ingestStatus.onDeviceOffline = (assetId, reason) => sources?.markOffline(assetId, reason);
    // The plant connection (MQTT JSON + Sparkplug B): only with MQTT_URL; after the alert engine,
    // so that what the broker queued while we were down is checked against the rules too.
    // Start-up does not wait for the broker: the client keeps trying in the background
    // (GET /api/v1/ingest/status shows the state).
    plant = startPlantConnection({
      config,
      status: ingestStatus,
      logger,
      target: {
        hasAsset: (id) => twin.pipeline.hasAsset(id),
        features: () => twin.catalog().signals.map((s) => s.name),
        // Late-bound, so the twin's ingest stays the one seam (tests inject a failing commit there).
        ingest: (readings) => twin.ingest(readings),
      },
    });
    services.plant = plant;
    // Readings older than RETENTION_DAYS go at start and every hour, in small batches.
    const retention = createRetentionJob({
      repo: history,
      retentionDays: config.RETENTION_DAYS,
      logger,
    });
    retention.start();

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOSTNAME, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url =
      config.NEXTAUTH_URL ?? `http://${config.HOSTNAME === '0.0.0.0' ? 'localhost' : config.HOSTNAME}:${port}`;
    logger.info({ url, startupMs: Math.round(performance.now() - t0), dev }, 'twinops console ready');
    announce(`  twinops is ready: log in at ${url}/login`);

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        logger.info('shutting down');
        // Stop accepting and drop sockets (io.close also closes the HTTP server); idle keep-alive
        // connections go now, requests in flight get up to 5 s to finish before being cut.
        const httpClosed = new Promise<void>((resolve) => io.close(() => resolve()));
        server.closeIdleConnections();
        const grace = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
        await Promise.race([httpClosed, grace]);
        server.closeAllConnections();
        await httpClosed;
        // Sources stop, in-flight batches finish, pending telemetry is written. The plant
        // connection first: the message in hand is committed and acknowledged, the rest stays
        // queued at the broker for the next start.
        await plant?.close().catch((err: unknown) => logger.warn({ err }, 'plant connection close failed'));
        await retention.stop();
        sources?.stop();
        await twin.close().catch((err: unknown) => logger.warn({ err }, 'twin close failed'));
        await alerts?.close().catch((err: unknown) => logger.warn({ err }, 'alerts close failed'));
        await models.close().catch((err: unknown) => logger.warn({ err }, 'model manager close failed'));
        await app?.close?.().catch(() => {});
        await database!.close().catch((err: unknown) => logger.warn({ err }, 'database close failed'));
        setServices(undefined);
        setConnectedSocketsSource(null);
        releaseLock();
        logger.info('stopped');
      })());
    return { url, port, services, io, close };
  } catch (err) {
    await plant?.close().catch(() => {});
    await database?.close().catch(() => {});
    releaseLock();
    throw err;
  }
}
