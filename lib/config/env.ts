/**
 * The one validated environment schema. Read at boot by `server.ts`, the CLIs and the tests;
 * every default is the embedded, zero-setup choice (PGlite under ./data, simulated plant).
 * A bad value stops start-up with a message naming the variable (see `ConfigError`).
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

// 0 asks the OS for a free port (tests).
const port = z.coerce.number().int().min(0).max(65_535);
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOSTNAME: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  /**
   * Scale-out (issue 16): with REDIS_URL and DATABASE_URL both set the console runs clustered
   * (socket.io through Redis, one owner per asset). `redis://[:password@]host:6379[/db]`.
   */
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379')
      .optional(),
  ),
  /** Prefix of every Redis key and channel of this cluster (several clusters may share a Redis). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only (at most 64)')
    .default('twinops'),
  /** This instance's name in the cluster (health, logs, ownership); default `<hostname>-<pid>`. */
  INSTANCE_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits and _ . - only (at most 40)')
      .optional(),
  ),
  /** shared_buffers of the embedded database (PGlite's own default, 128MB, costs ~650 MB of RAM). */
  PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, 'must look like 32MB')
    .default('32MB'),
  ADMIN_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(8, 'must be at least 8 characters').max(1024).optional(),
  ),
  NEXTAUTH_URL: z.preprocess(emptyAsUndefined, z.url('must be a URL such as http://localhost:3000').optional()),
  /**
   * Origins besides the console's own whose pages may make state-changing requests with a
   * session cookie and open sockets (comma-separated, e.g. `https://hmi.plant.example`).
   */
  ALLOWED_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(
        (v) => v.split(',').every((entry) => !entry.trim() || /^https?:\/\/[^/\s]+\/?$/.test(entry.trim())),
        'must be a comma-separated list of origins such as https://hmi.example:8443',
      )
      .optional(),
  ),
  /**
   * Proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDR ranges, e.g.
   * the load balancer `127.0.0.1`): login throttling and bearer-failure limits then count the
   * real client, not the proxy. Empty: the socket's peer is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (e) => isIP(e.split('/')[0]!) !== 0 && (!e.includes('/') || /^\d{1,3}$/.test(e.split('/')[1]!)),
            'must be comma-separated addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8',
          ),
      ),
    ),
  NEXTAUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(8),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MODELS_DIR: z.string().min(1).default('./models'),
  /** `name/version` of the model package to serve; default: the newest version of the first package. */
  MODEL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'must look like reactor-yield/1.0.0')
      .optional(),
  ),
  SIMULATOR: z.enum(['on', 'off']).default('on'),
  SIM_RATE_HZ: z.coerce.number().min(1).max(20).default(2),
  SIM_SEED: z.coerce.number().int().min(0).default(42),
  /** Assets reactor-1..N (the simulator drives them; ingest accepts readings for them). */
  ASSET_COUNT: z.coerce.number().int().min(1).max(100).default(3),
  /**
   * Ingest-only assets besides the simulated reactors: comma-separated ids (e.g. `r-101,line-7`),
   * fed by HTTP ingest alone (the simulator never drives them). Stands in until the asset registry.
   */
  EXTERNAL_ASSETS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be comma-separated ids such as r-101')).max(100),
    ),
  /**
   * An asset whose readings stop for longer than this many expected intervals (1 / SIM_RATE_HZ)
   * is stale: its cards say "no data since", a stale-data alert is raised, fresh data clears it.
   */
  STALE_AFTER_INTERVALS: z.coerce.number().int().min(2).max(100_000).default(5),
  /** How much live history each asset keeps in memory for new subscribers. */
  BUFFER_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(6 * 3600)
    .default(3600),
  /**
   * A stream snapshot larger than this is sent in chunks of this many points, one per turn of the
   * socket work queue (lib/realtime/hub.ts): one 20,000-point message held the event loop ~55 ms.
   */
  SNAPSHOT_CHUNK_POINTS: z.coerce.number().int().min(1).max(20_000).default(2_000),
  /** Largest number of readings one /api/v1/twin/batch request may carry. */
  MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** Largest number of readings one ingest request may carry. */
  MAX_INGEST_BATCH: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Stored rows a backtest scores per step: its progress and a cancel take effect between steps. */
  BACKTEST_CHUNK_ROWS: z.coerce.number().int().min(10).max(50_000).default(5_000),
  /** API requests a minute per user or API key (429 beyond). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6000),
  /** Failed bearer authentications a minute per client address before it is refused for a minute. */
  API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Bearer token for Prometheus scrapers of /api/metrics (an API key works too). */
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  /** Stored readings older than this are deleted by a periodic job. */
  RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(30),
  /** Optional: alerts are POSTed here as JSON on raise, acknowledge and clear. */
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url('must be an http(s) URL').optional()),
  /** How long one webhook delivery may take before it counts as failed (then retried). */
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Where uploaded model packages are kept (default: <DATA_DIR>/models). */
  UPLOADED_MODELS_DIR: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /**
   * Entries in the prediction cache for repeated what-if inputs (0: off). Off by default: the
   * shipped model scores a row in ~30 µs, next to ~400 µs for the HTTP request around it
   * (`npm run bench:cache`); worth turning on for a model that is slow to run.
   */
  PREDICTION_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Population stability index above which a feature counts as drifting (alert). */
  DRIFT_PSI_THRESHOLD: z.coerce.number().positive().max(10).default(0.25),
  /**
   * Plant connection (lib/ingest/mqtt): off unless set. `mqtt://host:1883` or `mqtts://host:8883`
   * (TLS; `MQTT_CA_FILE` for a private CA).
   */
  MQTT_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^mqtts?:\/\/[^/]+/, 'must be an mqtt:// or mqtts:// URL such as mqtt://127.0.0.1:1883')
      .optional(),
  ),
  /** JSON readings arrive on `<prefix>/<assetId>/telemetry`. */
  MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[^#+]+$/, 'must be a topic prefix without wildcards, e.g. twinops or plant/ludwigshafen')
    .transform((p) => p.replace(/\/+$/, ''))
    .default('twinops'),
  /** Fixed, so the broker keeps the session (and queues messages) while the console is down. */
  MQTT_CLIENT_ID: z.string().min(1).max(128).default('twinops-console'),
  MQTT_USERNAME: z.preprocess(emptyAsUndefined, z.string().optional()),
  MQTT_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** PEM file of the CA that signed the broker's certificate (mqtts:// only). */
  MQTT_CA_FILE: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** How long the broker keeps the session (and queued messages) while the console is away. */
  MQTT_SESSION_EXPIRY_SECONDS: z.coerce.number().int().min(1).max(4_294_967_295).default(86_400),
  /** Sparkplug B groups to subscribe (`spBv1.0/<group>/...`), comma separated; empty: none. */
  SPARKPLUG_GROUPS: z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^#+/]+$/, 'group names must not contain / # +'))),
  ),
  /**
   * `group/edge/device=assetId,...`: which Sparkplug device feeds which asset. A device that is
   * not listed feeds the asset named like the device.
   */
  SPARKPLUG_BINDINGS: z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[^#+/=]+\/[^#+/=]+\/[^#+/=]+=[^=,]+$/, 'each binding must look like group/edge/device=assetId'),
        ),
      ),
  ),
});

export type Env = z.infer<typeof envSchema>;

/** Settled configuration: the env plus what is derived from it (absolute paths, the public URL). */
export interface Config extends Env {
  dataDir: string;
  modelsDir: string;
  /** Admin-uploaded model packages (absolute). */
  uploadedModelsDir: string;
  publicUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` (default `process.env`); throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        // Never echo secrets back into logs.
        const shown =
          /PASSWORD|SECRET|TOKEN|DATABASE_URL|MQTT_URL|REDIS_URL/.test(name) || value === undefined
            ? ''
            : ` (got "${value}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const host = e.HOSTNAME === '0.0.0.0' || e.HOSTNAME === '::' ? 'localhost' : e.HOSTNAME;
  return {
    ...e,
    dataDir: path.resolve(e.DATA_DIR),
    modelsDir: path.resolve(e.MODELS_DIR),
    uploadedModelsDir: path.resolve(e.UPLOADED_MODELS_DIR ?? path.join(e.DATA_DIR, 'models')),
    publicUrl: e.NEXTAUTH_URL ?? `http://${host}:${e.PORT}`,
  };
}

/** `postgres://user:secret@host:5432/db` -> `host:5432/db`: for messages that must not leak the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
