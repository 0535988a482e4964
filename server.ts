/**
 * The console process: one HTTP port serving Next.js pages, route handlers and socket.io.
 * Everything is wired by `startConsole`; this file only reads the environment, starts, and
 * turns signals into a graceful shutdown.
 */
import { loadEnvConfig } from '@next/env';
import { ConfigError, loadConfig } from './lib/config/env';
import { DatabaseOpenError } from './lib/db/client';
import { logger } from './lib/log';
import { startConsole } from './lib/server/start-console';

const dev = process.env.NODE_ENV !== 'production';
// .env / .env.local are read before config validation (Next would only read them inside next()).
loadEnvConfig(process.cwd(), dev, { info: () => {}, error: (...a: unknown[]) => console.error(...a) });

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const consoleHandle = await startConsole({ config, logger, dev });

  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    consoleHandle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  const message =
    err instanceof DatabaseOpenError || (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE' || err instanceof Error
      ? (err as Error).message
      : String(err);
  console.error(`twinops failed to start: ${message}`);
  logger.error({ err }, 'start-up failed');
  process.exit(1);
});
