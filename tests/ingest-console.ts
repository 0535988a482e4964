/**
 * A console for ingest tests and benches (the crash test kills it, bench:ingest loads it): the
 * real wiring (startConsole, no web pages; bearer ingest is served by the machine fast path) on
 * DATA_DIR / DATABASE_URL from the environment, which outlive it. On a first start it creates an
 * operator `gateway` with an API key. Prints `READY {port, key, cookie, pid}` once it listens
 * (key only when just created; cookie: a viewer session for socket.io). SIGTERM shuts it down
 * gracefully; the crash test uses `kill -9`.
 */
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import { hashPassword } from '../lib/auth/password';
import { startConsole } from '../lib/server/start-console';
import { exitOnError } from './throwaway-console';
import { benchSessionCookie } from '../scripts/bench-session';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' });
  const handle = await startConsole({ config, logger, dev: false, web: false, announce: () => {} });
  const { users, admin } = handle.services;
  let key: string | null = null;
  if (!(await users.findByUsername('gateway'))) {
    await users.create({ username: 'gateway', passwordHash: await hashPassword('gateway-password'), role: 'operator' });
    ({ key } = await admin!.createKey({ username: 'crash-test' }, { username: 'gateway', days: 1 }));
  }
  process.on('SIGTERM', () => void handle.close().finally(() => process.exit(0)));
  const cookie = await benchSessionCookie(handle, 'watcher', 'viewer');
  process.stdout.write(`READY ${JSON.stringify({ port: handle.port, key, cookie, pid: process.pid })}\n`);
}

main().catch(exitOnError);
