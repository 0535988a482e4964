import { describe, expect, it } from 'vitest';
import { auditRepo } from './db/audit-repo';
import { openDatabase } from './db/client';
import { usersRepo } from './db/users-repo';
import { checkHealth } from './health';
import type { Services } from './services';

/** The services' parts the health check reads, with the optional ones settable. */
type Probed = Awaited<ReturnType<typeof services>> & Partial<Pick<Services, 'sharedCluster' | 'ingestStatus'>>;
import { loadConfig } from './config/env';
import { logger } from './log';
import { startSharedCluster } from './cluster/start-shared';
import { IngestStatus } from './ingest/ingest-status';
import { freePort, MACHINE_REDIS_URL, testRedisPrefix } from '../tests/shared-cluster-harness';

async function services() {
  const database = await openDatabase({ pgliteDir: 'memory://' });
  return {
    database,
    users: usersRepo(database.db),
    audit: auditRepo(database.db),
    startedAt: new Date(Date.now() - 5_000),
    version: '9.9.9',
    twin: null,
  };
}

describe('checkHealth', () => {
  it('is ok with version, uptime and the database round trip', async () => {
    const s = await services();
    const report = await checkHealth(s);
    expect(report).toMatchObject({
      status: 'ok',
      version: '9.9.9',
      checks: { database: { status: 'ok', kind: 'pglite' } },
    });
    expect(report.uptimeSeconds).toBeGreaterThanOrEqual(5);
    await s.database.close();
  });

  it('is unhealthy, with the reason, when the database does not answer', async () => {
    const s = await services();
    await s.database.close();
    const report = await checkHealth(s);
    expect(report.status).toBe('unhealthy');
    expect(report.checks.database).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('database unreachable'),
    });
  });

  it('reports Redis when configured: ok with its round trip, or degraded (still 200) with the reason', async () => {
    const quiet = logger.child({});
    quiet.level = 'silent';
    const s: Probed = await services();
    const cluster = (url: string) =>
      startSharedCluster({
        // Clustered needs DATABASE_URL too; only Redis is connected here.
        config: loadConfig({
          REDIS_URL: url,
          DATABASE_URL: 'postgres://127.0.0.1:1/unused',
          REDIS_KEY_PREFIX: testRedisPrefix(),
          INSTANCE_ID: 'health-test',
        }),
        logger: quiet,
      });
    s.sharedCluster = cluster(MACHINE_REDIS_URL);
    for (let i = 0; i < 100 && (await checkHealth(s)).checks.redis?.status !== 'ok'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await checkHealth(s)).toMatchObject({ status: 'ok', checks: { redis: { status: 'ok', jobs: [] } } });
    await s.sharedCluster!.close();

    // Nothing listens there.
    s.sharedCluster = cluster(`redis://127.0.0.1:${await freePort()}`);
    const report = await checkHealth(s);
    expect(report.status).toBe('degraded');
    expect(report.checks.redis).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('redis unreachable'),
    });
    expect(report.checks.database.status).toBe('ok');
    await s.sharedCluster!.close();
    await s.database.close();
  });

  it('reports the MQTT broker when the plant connection is on', async () => {
    const s: Probed = await services();
    // The state the plant connection writes (lib/ingest/mqtt/plant-connection.ts).
    const status = new IngestStatus(logger, () => true);
    status.updateConnection({ enabled: true, broker: '127.0.0.1:1', lastError: 'connect ECONNREFUSED' });
    s.ingestStatus = status;
    expect(await checkHealth(s)).toMatchObject({
      status: 'degraded',
      checks: { mqtt: { status: 'failed', broker: '127.0.0.1:1', reason: expect.stringContaining('ECONNREFUSED') } },
    });
    status.updateConnection({ connected: true, lastError: null });
    expect(await checkHealth(s)).toMatchObject({ status: 'ok', checks: { mqtt: { status: 'ok' } } });
    await s.database.close();
  });
});
