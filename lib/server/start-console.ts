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
import { openDatabase, type Database } from '../db/client';
import { acquireDataDirLock } from '../db/lock';
import { ensureFirstAdmin } from '../auth/bootstrap-admin';
import { CLIENT_ADDRESS_HEADER, clientAddressOf, trustedProxies } from '../auth/client-address';
import { createOriginPolicy, parseAllowedOrigins } from '../auth/origin-policy';
import { createLoginService } from '../auth/login';
import { createLoginThrottle } from '../auth/login-throttle';
import type { Logger } from '../log';
import { prepareCluster, type ClusterRuntime } from '../cluster/start-cluster';
import { createRealtime, type RealtimeServer } from '../realtime/server';
import { createSocketGuard } from '../realtime/socket-guard';
import { processMetrics, setConnectedSocketsSource } from '../metrics';
import { getServicesOrNull, setServices, type Services } from '../services';
import { createAuthState } from '../auth/auth-state';
import { createAuthChanges } from '../db/auth-changes';
import { createRepositories } from '../db/repositories';
import { composeServices, type ComposedServices } from './compose-services';
import { startSharedCluster, type SharedCluster } from '../cluster/start-shared';
import { notReady } from './not-ready';
import { accessLogLevel, machineApi } from './machine-api';
import { refuseForeignOrigin } from './origin-refusal';
import { setSecurityHeaders } from './security-headers';
import { checkHealth } from '../health';
import path from 'node:path';

export interface ConsoleHandle {
  url: string;
  port: number;
  services: Services;
  /** The database itself, for tests that seed rows below the repositories. */
  database: Database;
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
  let composed: ComposedServices | undefined;
  let sharedCluster: SharedCluster | null = null;
  let cluster: ClusterRuntime | undefined;
  // True from the moment the complete services are published until shutdown begins.
  let ready = false;
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
    // Scale-out (issue 16): Redis adapter and asset leases when clustered; a no-op otherwise.
    cluster = await prepareCluster(config, logger);
    // The auth generation first: the repositories bump it, the credential caches read it.
    const authChanges = createAuthChanges();
    const repos = createRepositories(database, authChanges);
    const { users, audit } = repos;
    // Clustered (REDIS_URL + DATABASE_URL): cross-instance events, limits shared in Redis,
    // singleton jobs (lib/cluster); null otherwise.
    sharedCluster = startSharedCluster({ config, logger });
    const auth = createAuthState({
      users,
      changes: authChanges,
      revokedSessions: repos.revokedSessions,
      config,
      limitsStore: sharedCluster?.limits,
    });
    const loginThrottle = createLoginThrottle({
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockSeconds: config.LOGIN_LOCK_SECONDS,
      store: sharedCluster?.limits ?? null,
    });
    const login = createLoginService({ users, audit, throttle: loginThrottle });
    const startedAt = new Date();

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
            void checkHealth(composed!.services).then((report) =>
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
      // Before the services are complete (or once shut down) nothing behind this line can answer.
      if (!ready) return notReady(req, res);
      const verdict = origins.checkRequest(req.method, req.headers);
      if (!verdict.ok) return refuseForeignOrigin(req, res, verdict.reason, logger);
      // The fast path writes its own access-log line (see machine-api.ts).
      if (fastPath(req, res)) return;
      httpLogger(req, res);
      void handle(req, res);
    });
    // Per-socket event limits; an abusive socket is cut off and audited (issue 14).
    const socketGuard = createSocketGuard({
      logger,
      audit,
      limits: { snapshotChunkPoints: config.SNAPSHOT_CHUNK_POINTS },
    });
    const io = createRealtime(server, {
      guard: socketGuard,
      origins,
      authSecret: secret,
      secureCookie: publicUrlIsHttps,
      sessionMaxAgeSeconds: Math.round(config.SESSION_MAX_AGE_HOURS * 3600),
      logger,
      userState: (id) => auth.userStates.get(id),
      loggedOut: auth.loggedOut,
      adapter: cluster.adapter,
    });
    setConnectedSocketsSource(() => io.engine.clientsCount);
    composed = await composeServices({
      config,
      logger,
      authSecret: secret,
      database,
      repos,
      auth,
      metrics: processMetrics(),
      login,
      loginThrottle,
      io,
      socketGuard,
      startedAt,
      sharedCluster,
      cluster,
    });
    const { services } = composed;
    // Logged-out sessions stay refused across restarts. Read only now that this instance listens
    // for other instances' logouts (composeServices), so none falls between the two.
    await auth.loggedOut.load();
    // Published only now, complete: no route ever sees a part missing.
    setServices(services);
    ready = true;

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
        ready = false;
        // Sources stop, in-flight batches finish, pending telemetry is written (compose-services.ts).
        await composed!.close();
        await sharedCluster?.close().catch((err: unknown) => logger.warn({ err }, 'redis close failed'));
        await app?.close?.().catch(() => {});
        await database!.close().catch((err: unknown) => logger.warn({ err }, 'database close failed'));
        setServices(undefined);
        setConnectedSocketsSource(null);
        releaseLock();
        logger.info('stopped');
      })());
    return { url, port, services, database, io, close };
  } catch (err) {
    if (composed && getServicesOrNull() === composed.services) setServices(undefined);
    await composed?.close().catch(() => {});
    await sharedCluster?.close().catch(() => {});
    await cluster?.close().catch(() => {});
    await database?.close().catch(() => {});
    releaseLock();
    throw err;
  }
}
