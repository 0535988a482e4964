/**
 * The server side of `npm run bench:stream`: the real console wiring (no web pages) on a free
 * port and a throwaway data directory, with a viewer `bench`. Prints `READY {port, cookie, pid}`
 * (a session cookie of that viewer) when ready.
 */
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { benchSessionCookie } from './bench-session';

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
  .then(async (handle) => {
    const cookie = await benchSessionCookie(handle);
    process.stdout.write(`READY ${JSON.stringify({ port: handle.port, cookie, pid: process.pid })}\n`);
  })
  .catch(exitOnError);
