/**
 * A logout outlives a restart: a session logged out through next-auth is still refused by the
 * API, by page rendering (next-auth's session read) and by the socket handshake after the console
 * has been shut down and started again on the same database (memory gone, the database kept),
 * on embedded PGlite (the same data directory) and on the machine's PostgreSQL (a database of the
 * test's own). Another session of the same user, not logged out, still works after the restart.
 * Expired logouts are pruned at start and never read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as assets } from '@/app/api/v1/assets/route';
import { startHarness, type Harness, type TestSocket } from '../../tests/console-harness';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import { credentialsLogin, nextAuth, setCookieValue } from '../../tests/next-auth-core';
import { addUser, call } from '../api/test-kit';

const COOKIE = 'next-auth.session-token';
const ENV = { SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' };

/** A place the console keeps its data across the restart: a data directory, or a PostgreSQL database. */
interface Store {
  name: string;
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

const pgliteStore = (): Store => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-logout-'));
  return { name: 'pglite', env: {}, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
};

async function postgresStore(): Promise<Store> {
  const name = `logout_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-logout-pg-'));
  return {
    name: 'postgres',
    env: { DATABASE_URL: url.toString() },
    dataDir,
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let running: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await running?.stop();
  for (const c of cleanups) await c();
});

async function start(store: Store): Promise<Harness> {
  running = await startHarness({ ...ENV, ...store.env }, store.dataDir);
  process.env.NEXTAUTH_SECRET = running.secret;
  process.env.NEXTAUTH_URL = 'http://localhost:3000';
  return running;
}
async function stop(): Promise<void> {
  await running?.stop();
  running = null;
}

async function login(username: string): Promise<string> {
  const res = await credentialsLogin(username, `${username}-password`);
  return `${COOKIE}=${setCookieValue(res, COOKIE)}`;
}
async function logout(cookie: string): Promise<void> {
  const csrfRes = await nextAuth({ action: 'csrf' });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const out = await nextAuth({
    action: 'signout',
    method: 'POST',
    cookies: {
      [COOKIE]: cookie.slice(COOKIE.length + 1),
      'next-auth.csrf-token': setCookieValue(csrfRes, 'next-auth.csrf-token'),
    },
    body: { csrfToken, json: 'true' },
  });
  expect(out.status).toBe(302);
}

const apiStatus = async (h: Harness, cookie: string) =>
  (await call(h.url, assets, '/api/v1/assets', { headers: { cookie } })).status;
const pageUser = async (cookie: string) => {
  const res = await nextAuth({ action: 'session', cookies: { [COOKIE]: cookie.slice(COOKIE.length + 1) } });
  return ((await res.json()) as { user?: { username: string } }).user?.username ?? null;
};
const connects = (s: TestSocket) =>
  new Promise<boolean>((resolve) => {
    s.once('connect', () => resolve(true));
    s.once('connect_error', () => resolve(false));
  }).finally(() => s.disconnect());

describe.each([
  ['pglite', async () => pgliteStore()],
  ['postgres', postgresStore],
])('a logout on %s', (_name, makeStore) => {
  it('is still refused everywhere after the console restarts on the same database', { timeout: 120_000 }, async () => {
    const store = await makeStore();
    cleanups.push(() => store.drop());
    let h = await start(store);
    await addUser(h.handle.services, 'tilda', 'viewer');
    const loggedOut = await login('tilda');
    const kept = await login('tilda');
    expect(await apiStatus(h, loggedOut)).toBe(200);
    await logout(loggedOut);
    expect(await apiStatus(h, loggedOut)).toBe(401);
    await stop();

    h = await start(store);
    expect(await apiStatus(h, loggedOut)).toBe(401);
    expect(await pageUser(loggedOut)).toBeNull();
    expect(await connects(h.client(loggedOut))).toBe(false);
    // Not a blanket refusal after the restart: the other login of the same user goes on.
    expect(await apiStatus(h, kept)).toBe(200);
    expect(await pageUser(kept)).toBe('tilda');
    expect(await connects(h.client(kept))).toBe(true);
    await stop();
  });
});

describe('stored logouts', () => {
  it('are pruned at start once their sessions have expired, and live ones are read back', async () => {
    const store = pgliteStore();
    cleanups.push(() => store.drop());
    let h = await start(store);
    const userId = await addUser(h.handle.services, 'ulla', 'viewer');
    const stored = h.handle.services.repos.revokedSessions;
    await stored.add({ userId, sid: 'expired-one', expiresAtMs: Date.now() + 300 });
    await stored.add({ userId, sid: 'live-one', expiresAtMs: Date.now() + 3_600_000 });
    await new Promise((r) => setTimeout(r, 400));
    await stop();

    h = await start(store);
    const { loggedOut } = h.handle.services.auth;
    expect(loggedOut.has(userId, 'live-one')).toBe(true);
    expect(loggedOut.has(userId, 'expired-one')).toBe(false);
    // Pruned, not merely skipped: even a read as of long ago finds only the live row.
    expect((await h.handle.services.repos.revokedSessions.live(new Date(0))).map((s) => s.sid)).toEqual(['live-one']);
    await stop();
  });
});
