import type { Services } from './services';

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  version: string;
  uptimeSeconds: number;
  checks: { database: { status: 'ok' | 'failed'; kind: string; latencyMs?: number; reason?: string } };
}

const DB_TIMEOUT_MS = 2_000;

/** Runs the readiness checks. A failing check makes the whole report unhealthy, with its reason. */
export async function checkHealth(s: Pick<Services, 'database' | 'version' | 'startedAt'>): Promise<HealthReport> {
  const t0 = performance.now();
  let database: HealthReport['checks']['database'];
  try {
    await Promise.race([
      s.database.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS).unref(),
      ),
    ]);
    database = { status: 'ok', kind: s.database.kind, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    database = { status: 'failed', kind: s.database.kind, reason: `database unreachable: ${(err as Error).message}` };
  }
  return {
    status: database.status === 'ok' ? 'ok' : 'unhealthy',
    version: s.version,
    uptimeSeconds: Math.round((Date.now() - s.startedAt.getTime()) / 1000),
    checks: { database },
  };
}

/** The probes' answer while no services are published (start-up or shutdown): 503, so a balancer waits. */
export function startingHealth(): Response {
  return Response.json(
    { status: 'starting', reason: 'The console is starting or stopping' },
    { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '1' } },
  );
}
