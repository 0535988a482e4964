/**
 * Server-side revocation: after a password change, an admin reset, "log out other sessions" or a
 * logout, the old session cookie is refused by the API, by page rendering (next-auth's session
 * read, which server components use) and by the socket handshake; open sockets are closed; login
 * tokens issued before are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as assets } from '@/app/api/v1/assets/route';
import { POST as mePassword } from '@/app/api/v1/me/password/route';
import { POST as revokeSessions } from '@/app/api/v1/me/sessions/revoke/route';
import { POST as adminResetPassword } from '@/app/api/v1/admin/users/[id]/password/route';
import { POST as tokenLogin } from '@/app/api/v1/auth/login/route';
import { startHarness, type Harness, type TestSocket } from '../../tests/console-harness';
import { credentialsLogin, nextAuth, setCookieValue } from '../../tests/next-auth-core';
import { addUser, call } from '../api/test-kit';

const COOKIE = 'next-auth.session-token';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  process.env.NEXTAUTH_SECRET = h.secret;
  process.env.NEXTAUTH_URL = 'http://localhost:3000';
});
afterAll(() => h?.stop());

/** A real login through next-auth; the session cookie as a Cookie header. */
async function login(username: string, password = `${username}-password`): Promise<string> {
  const res = await credentialsLogin(username, password);
  return `${COOKIE}=${setCookieValue(res, COOKIE)}`;
}

const apiStatus = async (cookie: string) =>
  (await call(h.url, assets, '/api/v1/assets', { headers: { cookie } })).status;
/** What a server component sees: next-auth's session read (getServerSession runs the same). */
const pageUser = async (cookie: string) => {
  const res = await nextAuth({ action: 'session', cookies: { [COOKIE]: cookie.slice(COOKIE.length + 1) } });
  return ((await res.json()) as { user?: { username: string } }).user?.username ?? null;
};
const connected = (s: TestSocket) =>
  new Promise<boolean>((resolve) => {
    s.once('connect', () => resolve(true));
    s.once('connect_error', () => resolve(false));
  });

async function expectRefusedEverywhere(cookie: string) {
  expect(await apiStatus(cookie)).toBe(401);
  expect(await pageUser(cookie)).toBeNull();
  expect(await connected(h.client(cookie))).toBe(false);
}

describe('session revocation', () => {
  it('changing your own password ends your other sessions, tokens and sockets; the asking one goes on', async () => {
    await addUser(h.handle.services, 'paula', 'viewer');
    const other = await login('paula');
    const mine = await login('paula');
    const token = (
      await call(h.url, tokenLogin, '/api/v1/auth/login', { body: { username: 'paula', password: 'paula-password' } })
    ).json!.token as string;
    const socket = h.client(other);
    expect(await connected(socket)).toBe(true);
    expect(await apiStatus(other)).toBe(200);
    expect(await pageUser(other)).toBe('paula');

    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const res = await call(h.url, mePassword, '/api/v1/me/password', {
      headers: { cookie: mine },
      body: { currentPassword: 'paula-password', newPassword: 'a-brand-new-password-1' },
    });
    expect(res.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    await expectRefusedEverywhere(other);
    expect(await apiStatus(mine)).toBe(401); // the old copy of the asking session, too
    const reissued = /next-auth\.session-token=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    expect(await apiStatus(`${COOKIE}=${reissued}`)).toBe(200);
    const byToken = await call(h.url, assets, '/api/v1/assets', { headers: { authorization: `Bearer ${token}` } });
    expect(byToken.status).toBe(401);
  });

  it("an admin's password reset ends the user's sessions", async () => {
    const id = await addUser(h.handle.services, 'quinn', 'operator');
    const cookie = await login('quinn');
    const socket = h.client(cookie);
    expect(await connected(socket)).toBe(true);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const admin = await login('admin', 'integration-admin');
    const res = await call(h.url, adminResetPassword, `/api/v1/admin/users/${id}/password`, {
      params: { id },
      headers: { cookie: admin },
      body: { password: 'reset-by-the-admin-1' },
    });
    expect(res.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    await expectRefusedEverywhere(cookie);
    expect(await apiStatus(admin)).toBe(200); // the admin's own session is not touched
  });

  it('"log out other sessions" ends the others and keeps the asking one', async () => {
    await addUser(h.handle.services, 'ruth', 'viewer');
    const other = await login('ruth');
    const mine = await login('ruth');
    const res = await call(h.url, revokeSessions, '/api/v1/me/sessions/revoke', {
      method: 'POST',
      headers: { cookie: mine },
    });
    expect(res.status).toBe(200);
    await expectRefusedEverywhere(other);
    const reissued = /next-auth\.session-token=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    expect(await apiStatus(`${COOKIE}=${reissued}`)).toBe(200);
    expect(await pageUser(`${COOKIE}=${reissued}`)).toBe('ruth');
  });

  it('logging out ends that session on the server, not only in the browser', async () => {
    await addUser(h.handle.services, 'sven', 'viewer');
    const cookie = await login('sven');
    const other = await login('sven');
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
    await expectRefusedEverywhere(cookie);
    expect(await apiStatus(other)).toBe(200); // a login in another browser stays
  });
});
