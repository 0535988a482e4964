/**
 * The server the browser tests run against: the real console (production build, embedded
 * database) on a fresh data directory, seeded with one user per role. Playwright's webServer
 * starts it; it stops on SIGTERM like the real one.
 */
import path from 'node:path';
import { seedAlarmDay } from '../lib/alerts/seed-day';
import { alertsRepo } from '../lib/db/alerts-repo';
import { auditRepo } from '../lib/db/audit-repo';
import { openDatabase } from '../lib/db/client';
import { usersRepo } from '../lib/db/users-repo';
import { hashPassword } from '../lib/auth/password';
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { E2E_ALARM_DAY, E2E_USERS, E2E_PORT } from './users';

runThrowawayConsole({
  name: 'twinops-e2e',
  web: true,
  env: {
    PORT: String(E2E_PORT),
    HOSTNAME: 'localhost',
    NEXTAUTH_URL: `http://localhost:${E2E_PORT}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // An ingest-only asset, fed by e2e/stale.spec.ts alone (the reactors are simulated).
    EXTERNAL_ASSETS: 'gw-e2e',
    // The plant connection against the machine's Mosquitto (e2e/plant-connection.spec.ts), with
    // names of this server's own so parallel runs never share a session or a topic.
    MQTT_URL: process.env.E2E_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    MQTT_CLIENT_ID: `twinops-e2e-${E2E_PORT}-${process.pid}`,
    MQTT_TOPIC_PREFIX: `twinops-e2e/${E2E_PORT}`,
    MQTT_SESSION_EXPIRY_SECONDS: '60',
    SPARKPLUG_GROUPS: `twinops-e2e-${E2E_PORT}`,
    // Small backtest steps: e2e/backtest.spec.ts cancels a job while it runs.
    BACKTEST_CHUNK_ROWS: '100',
    // Small snapshot chunks, so the dashboard's snapshots and resumes (a few hundred points at
    // most in a test run) take the chunked path the browser gets for large ones.
    SNAPSHOT_CHUNK_POINTS: '5',
  },
  // Seed one user per role (and a past day of alarms) before the console opens the database (one PGlite instance at a time).
  async prepare(dataDir) {
    const seed = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    const users = usersRepo(seed.db);
    for (const u of Object.values(E2E_USERS)) {
      await users.create({
        username: u.username,
        passwordHash: await hashPassword(u.password),
        role: u.role,
        displayName: u.name,
      });
    }
    await auditRepo(seed.db).record({ actor: 'e2e', action: 'seed', outcome: 'success' });
    // A past day of alarms on assets of its own (all closed since), for the KPI page's spec.
    await seedAlarmDay(alertsRepo(seed.db), E2E_ALARM_DAY);
    await seed.close();
  },
}).catch(exitOnError);
