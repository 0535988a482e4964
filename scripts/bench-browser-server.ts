/**
 * The server side of `npm run bench:browser`: the real console with its web pages (production
 * build) on the port in PORT and a throwaway data directory, no simulator (the bench feeds the
 * asset itself, over the ingest API, so it can prefill an hour first), at SIM_RATE_HZ=10 and an
 * hour of server buffer. Prints `READY {port, key, cookie, pid}`: an ingest API key of an
 * operator `gateway` and a session cookie of a viewer `bench`.
 */
import { hashPassword } from '../lib/auth/password';
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { benchSessionCookie } from './bench-session';

const port = process.env.PORT ?? '0';

runThrowawayConsole({
  name: 'twinops-bench-browser',
  web: true,
  quiet: true,
  env: {
    PORT: port,
    HOSTNAME: '127.0.0.1',
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    SIMULATOR: 'off',
    ASSET_COUNT: '1',
    SIM_RATE_HZ: '10',
    BUFFER_SECONDS: '3600',
    DATABASE_URL: '',
    ADMIN_PASSWORD: 'bench-admin-pass',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  },
})
  .then(async (handle) => {
    const { users, admin } = handle.services;
    await users.create({ username: 'gateway', passwordHash: await hashPassword('gateway-password'), role: 'operator' });
    const { key } = await admin!.createKey({ username: 'bench' }, { username: 'gateway', days: 1 });
    const cookie = await benchSessionCookie(handle);
    process.stdout.write(`READY ${JSON.stringify({ port: handle.port, key, cookie, pid: process.pid })}\n`);
  })
  .catch(exitOnError);
