/**
 * The server the browser tests run against: the real console (production build, embedded
 * database) on a fresh data directory, seeded with one user per role. Playwright's webServer
 * starts it; it stops on SIGTERM like the real one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/config/env';
import { auditRepo } from '../lib/db/audit-repo';
import { openDatabase } from '../lib/db/client';
import { usersRepo } from '../lib/db/users-repo';
import { hashPassword } from '../lib/auth/password';
import { logger } from '../lib/log';
import { startConsole } from '../lib/server/start-console';
import { E2E_USERS, E2E_PORT } from './users';

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-e2e-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(E2E_PORT),
    HOSTNAME: 'localhost',
    DATA_DIR: dataDir,
    NEXTAUTH_URL: `http://localhost:${E2E_PORT}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  // Seed one user per role before the console opens the database (one PGlite instance at a time).
  const seed = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
  const users = usersRepo(seed.db);
  for (const u of Object.values(E2E_USERS)) {
    await users.create({ username: u.username, passwordHash: await hashPassword(u.password), role: u.role, displayName: u.name });
  }
  await auditRepo(seed.db).record({ actor: 'e2e', action: 'seed', outcome: 'success' });
  await seed.close();

  const handle = await startConsole({ config, logger, dev: false });
  const stop = () => {
    void handle.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
