import type { RedisHealth } from './cluster/start-shared';
import type { Services } from './services';
import type { ClusterStatus } from './cluster/start-cluster';

type Check = { status: 'ok' | 'failed'; latencyMs?: number; reason?: string };

export interface HealthReport {
  /** `degraded`: serving, but a service it can run without (Redis, the MQTT broker) is down. */
  status: 'ok' | 'degraded' | 'unhealthy';
  version: string;
  uptimeSeconds: number;
  checks: {
    database: Check & { kind: string };
    /** Only with REDIS_URL: shared limits fall back to per-instance ones and events wait while it fails. */
    redis?: RedisHealth;
    /** Only with MQTT_URL: the plant connection's broker (it keeps reconnecting by itself). */
    mqtt?: Check & { broker?: string };
  };
  /** Which instance answered and the assets it runs (issue 16); absent while starting. */
  instance?: ClusterStatus;
}

const DB_TIMEOUT_MS = 2_000;

async function databaseCheck(s: Pick<Services, 'database'>): Promise<HealthReport['checks']['database']> {
  const t0 = performance.now();
  try {
    await Promise.race([
      s.database.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS).unref(),
      ),
    ]);
    return { status: 'ok', kind: s.database.kind, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { status: 'failed', kind: s.database.kind, reason: `database unreachable: ${(err as Error).message}` };
  }
}

function mqttCheck(s: Partial<Pick<Services, 'ingestStatus'>>): HealthReport['checks']['mqtt'] {
  const mqtt = s.ingestStatus?.ownReport().mqtt;
  if (!mqtt?.enabled) return undefined;
  return mqtt.connected
    ? { status: 'ok', broker: mqtt.broker }
    : { status: 'failed', broker: mqtt.broker, reason: `broker unreachable: ${mqtt.lastError ?? 'connecting'}` };
}

/**
 * Runs the readiness checks. Without the database the console is unhealthy (503: take it out of
 * rotation); without Redis or the broker it still serves (degraded, with the reason).
 */
export async function checkHealth(
  s: Pick<Services, 'database' | 'version' | 'startedAt'> &
    Partial<Pick<Services, 'sharedCluster' | 'ingestStatus' | 'cluster'>>,
): Promise<HealthReport> {
  const [database, redis] = await Promise.all([databaseCheck(s), s.sharedCluster?.health()]);
  const mqtt = mqttCheck(s);
  const status =
    database.status !== 'ok'
      ? 'unhealthy'
      : redis?.status === 'failed' || mqtt?.status === 'failed'
        ? 'degraded'
        : 'ok';
  return {
    status,
    version: s.version,
    uptimeSeconds: Math.round((Date.now() - s.startedAt.getTime()) / 1000),
    checks: { database, ...(redis ? { redis } : {}), ...(mqtt ? { mqtt } : {}) },
    ...(s.cluster ? { instance: s.cluster.status() } : {}),
  };
}

/** The probes' answer while no services are published (start-up or shutdown): 503, so a balancer waits. */
export function startingHealth(): Response {
  return Response.json(
    { status: 'starting', reason: 'The console is starting or stopping' },
    { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '1' } },
  );
}
