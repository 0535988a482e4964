/**
 * The server side of `npm run bench:stream`: the real console wiring (no web pages) on a free
 * port and a throwaway data directory. Prints one JSON line {port, secret, pid} when ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import { startConsole } from '../lib/server/start-console';

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-bench-'));
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', HOSTNAME: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-admin-pass', LOG_LEVEL: process.env.LOG_LEVEL ?? "error" });
  const handle = await startConsole({ config, logger, dev: false, web: false, announce: () => {} });
  process.stdout.write(`READY ${JSON.stringify({ port: handle.port, secret: handle.services.authSecret, pid: process.pid })}\n`);
  const stop = () =>
    void handle.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
