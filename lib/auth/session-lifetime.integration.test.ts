/**
 * Sessions end SESSION_MAX_AGE_HOURS after login, on the server: the token's own exp follows the
 * setting, a renewal (GET /api/auth/session) keeps the login time and cannot extend it, and a
 * session older than the lifetime is refused by the API even with a fresh exp. Pages: proxy.test.ts;
 * sockets: lib/realtime/server.test.ts.
 */
import { decode, encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as assets } from '@/app/api/v1/assets/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { credentialsLogin, nextAuth, setCookieValue } from '../../tests/next-auth-core';
import { addUser, call } from '../api/test-kit';

const HOURS = 2;
const MAX_AGE_S = HOURS * 3600;
const COOKIE = 'next-auth.session-token';
let h: Harness;
let userId: string;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', SESSION_MAX_AGE_HOURS: String(HOURS) });
  process.env.NEXTAUTH_SECRET = h.secret;
  process.env.NEXTAUTH_URL = 'http://localhost:3000';
  userId = await addUser(h.handle.services, 'sam', 'viewer');
});
afterAll(() => h?.stop());

const nowS = () => Math.floor(Date.now() / 1000);
const session = (authTime: number) =>
  encode({ token: { sub: userId, username: 'sam', role: 'viewer', name: 'sam', authTime }, secret: h.secret });

describe('session lifetime', () => {
  it("gives the login's token an exp of SESSION_MAX_AGE_HOURS (not next-auth's 30 days) and its login time", async () => {
    const res = await credentialsLogin('sam', 'sam-password');
    const token = await decode({ token: setCookieValue(res, COOKIE)!, secret: h.secret });
    expect(token!.exp! - token!.iat!).toBe(MAX_AGE_S);
    expect(Math.abs(token!.authTime! - nowS())).toBeLessThan(5);
  });

  it('renews a session without moving its login time', async () => {
    const authTime = nowS() - 3600;
    const res = await nextAuth({ action: 'session', cookies: { [COOKIE]: await session(authTime) } });
    expect(((await res.json()) as { user?: { username: string } }).user?.username).toBe('sam');
    const renewed = await decode({ token: setCookieValue(res, COOKIE)!, secret: h.secret });
    expect(renewed!.authTime).toBe(authTime);
  });

  it('does not renew a session past its lifetime: no user, cookie cleared', async () => {
    const res = await nextAuth({ action: 'session', cookies: { [COOKIE]: await session(nowS() - MAX_AGE_S - 10) } });
    expect(await res.json()).toEqual({});
    expect(setCookieValue(res, COOKIE)).toBe('');
  });

  it('refuses an API call with a session older than the lifetime, though its exp is fresh', async () => {
    const fresh = await call(h.url, assets, '/api/v1/assets', {
      headers: { cookie: `${COOKIE}=${await session(nowS() - 60)}` },
    });
    expect(fresh.status).toBe(200);
    const old = await call(h.url, assets, '/api/v1/assets', {
      headers: { cookie: `${COOKIE}=${await session(nowS() - MAX_AGE_S - 10)}` },
    });
    expect(old.status).toBe(401);
    expect(old.json).toEqual({ error: { code: 'unauthorized', message: 'Sign in or send a valid bearer token' } });
  });

  it('refuses a bearer login token presented as a session cookie', async () => {
    const apiToken = await encode({
      token: { sub: userId, username: 'sam', role: 'viewer', typ: 'api' },
      secret: h.secret,
    });
    const res = await call(h.url, assets, '/api/v1/assets', { headers: { cookie: `${COOKIE}=${apiToken}` } });
    expect(res.status).toBe(401);
  });
});
