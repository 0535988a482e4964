/**
 * The console the crash test kills: the real wiring (startConsole, no web pages; ingest is served
 * by the machine fast path) on DATA_DIR / DATABASE_URL from the environment, which survive it.
 * On a first start it creates an operator `gateway` with an API key. Prints
 * `READY {port, key}` (key only when created) once it listens. It is never shut down gracefully
 * by the test: `kill -9` is the point.
 */
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import { hashPassword } from '../lib/auth/password';
import { startConsole } from '../lib/server/start-console';
import { exitOnError } from './throwaway-console';

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
  process.stdout.write(`READY ${JSON.stringify({ port: handle.port, key })}\n`);
}

main().catch(exitOnError);
