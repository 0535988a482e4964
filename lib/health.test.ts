import { describe, expect, it } from 'vitest';
import { auditRepo } from './db/audit-repo';
import { openDatabase } from './db/client';
import { usersRepo } from './db/users-repo';
import { checkHealth } from './health';

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
});
