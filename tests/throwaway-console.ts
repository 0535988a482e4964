/**
 * Runs the real console on a fresh temporary data directory until SIGTERM/SIGINT, then shuts it
 * down gracefully and deletes the directory. The browser tests' server (e2e/serve.ts) and
 * bench:stream's server use it; `prepare` runs before the console opens the database (seeding).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/config/env';
import { logger } from '../lib/log';
import { startConsole, type ConsoleHandle } from '../lib/server/start-console';

export interface ThrowawayOptions {
  /** Prefix of the temporary directory's name. */
  name: string;
  /** Settings over the process environment (DATA_DIR is set here). */
  env: Record<string, string>;
  web: boolean;
  prepare?: (dataDir: string) => Promise<void>;
  quiet?: boolean;
}

export async function runThrowawayConsole(opts: ThrowawayOptions): Promise<ConsoleHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${opts.name}-`));
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', ...opts.env, DATA_DIR: dataDir });
  await opts.prepare?.(dataDir);
  const handle = await startConsole({
    config,
    logger,
    dev: false,
    web: opts.web,
    ...(opts.quiet ? { announce: () => {} } : {}),
  });
  const stop = () =>
    void handle.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return handle;
}

/** `main().catch(...)` for these entry scripts: print and exit non-zero. */
export function exitOnError(err: unknown): never {
  console.error(err);
  process.exit(1);
}
