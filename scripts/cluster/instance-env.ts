/**
 * The environment of one console instance in a cluster. Every instance gets the same database,
 * Redis, broker, secret and public URL (the balancer's); what differs is its port, data
 * directory, instance id and MQTT client id (one fixed id per instance: two clients with one id
 * would keep taking the broker session from each other).
 */
import { envSchema } from '../../lib/config/env';

export interface ClusterSettings {
  databaseUrl: string;
  redisUrl: string;
  mqttUrl?: string;
  secret: string;
  /** The balancer's URL: NEXTAUTH_URL of every instance, so its origin is the console's own. */
  publicUrl: string;
}

/**
 * Settings of issue 16 that other parts of the work read (the socket.io Redis adapter, asset
 * ownership). They are always passed; `unreadSettings` tells which this build ignores so far.
 */
export const CLUSTER_SETTINGS = ['REDIS_URL', 'INSTANCE_ID'] as const;

/** The names in `env` that this build's configuration schema does not know (and so ignores). */
export function unreadSettings(env: Record<string, string>): string[] {
  return Object.keys(env).filter((name) => !(name in envSchema.shape));
}

export function instanceEnv(
  s: ClusterSettings,
  i: { id: string; port: number; dataDir: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: String(i.port),
    HOSTNAME: '127.0.0.1',
    DATA_DIR: i.dataDir,
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: s.redisUrl,
    INSTANCE_ID: i.id,
    NEXTAUTH_SECRET: s.secret,
    NEXTAUTH_URL: s.publicUrl,
    // nginx on this machine: its X-Forwarded-For (the browser's address) counts for throttling.
    TRUSTED_PROXIES: '127.0.0.1,::1',
    ...(s.mqttUrl ? { MQTT_URL: s.mqttUrl, MQTT_CLIENT_ID: `twinops-${i.id}` } : {}),
    ...extra,
  };
}
