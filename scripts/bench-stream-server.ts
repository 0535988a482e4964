/**
 * The server side of `npm run bench:stream`: the real console wiring (no web pages) on a free
 * port and a throwaway data directory. Prints `READY {port, secret, pid}` when ready.
 */
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';

runThrowawayConsole({
  name: 'twinops-bench',
  web: false,
  quiet: true,
  env: {
    PORT: '0',
    HOSTNAME: '127.0.0.1',
    ADMIN_PASSWORD: 'bench-admin-pass',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  },
})
  .then((handle) => {
    process.stdout.write(
      `READY ${JSON.stringify({ port: handle.port, secret: handle.services.authSecret, pid: process.pid })}\n`,
    );
  })
  .catch(exitOnError);
