import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { proxy } from './proxy';

const SECRET = 'proxy-test-secret-proxy-test-secret-0123';
beforeAll(() => {
  process.env.NEXTAUTH_SECRET = SECRET;
});

const req = (path: string, cookie?: string, authorization?: string) =>
  new NextRequest(`http://localhost:3000${path}`, {
    headers: { ...(cookie ? { cookie } : {}), ...(authorization ? { authorization } : {}) },
  });

describe('proxy (the login gate)', () => {
  it('answers API routes without a session with 401 JSON, not a redirect', async () => {
    for (const path of [
      '/api/v1/twin/predict',
      '/api/metrics',
      '/api/anything/else',
      '/model/info',
      '/predict',
      '/metrics',
    ]) {
      const res = await proxy(req(path));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({
        error: { code: 'unauthorized', message: 'Sign in or send a valid bearer token' },
      });
    }
  });

  it('redirects pages to /login with the original path and query as callbackUrl', async () => {
    const res = await proxy(req('/history?from=1&to=2'));
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('callbackUrl')).toBe('/history?from=1&to=2');
  });

  it('lets /login, /api/auth/* and /api/health through without a session', async () => {
    for (const path of [
      '/login',
      '/api/auth/csrf',
      '/api/auth/callback/credentials',
      '/api/health',
      '/api/v1/auth/login',
    ]) {
      const res = await proxy(req(path));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-middleware-next'), path).toBe('1');
    }
  });

  it('does not treat look-alike paths as public', async () => {
    expect((await proxy(req('/api/healthz'))).status).toBe(401);
    expect((await proxy(req('/api/authx'))).status).toBe(401);
    expect((await proxy(req('/login-admin'))).status).toBe(307);
  });

  it('lets a request with a valid session through', async () => {
    const token = await encode({ token: { sub: 'u1', username: 'olivia', role: 'operator' }, secret: SECRET });
    const res = await proxy(req('/api/v1/twin/status', `next-auth.session-token=${token}`));
    expect(res.headers.get('x-middleware-next')).toBe('1');
  });

  it('passes API requests with a bearer header on to the route helper, which checks them', async () => {
    for (const path of ['/api/v1/assets', '/api/metrics', '/api/openapi.json', '/predict', '/metrics']) {
      const res = await proxy(req(path, undefined, 'Bearer tok_0123abcd_whatever'));
      expect(res.headers.get('x-middleware-next'), path).toBe('1');
    }
  });

  it('still needs a session for pages, and a bearer scheme for APIs', async () => {
    expect((await proxy(req('/docs', undefined, 'Bearer tok_0123abcd_whatever'))).status).toBe(307);
    expect((await proxy(req('/api/v1/assets', undefined, 'Basic YWRtaW46eA=='))).status).toBe(401);
    expect((await proxy(req('/api/v1/assets', undefined, 'Bearer'))).status).toBe(401);
  });

  it('treats a session older than SESSION_MAX_AGE_HOURS as none, whatever its exp', async () => {
    process.env.SESSION_MAX_AGE_HOURS = '8';
    const now = Math.floor(Date.now() / 1000);
    const old = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', authTime: now - 8 * 3600 - 5 },
      secret: SECRET,
    });
    expect((await proxy(req('/history', `next-auth.session-token=${old}`))).status).toBe(307);
    expect((await proxy(req('/api/v1/twin/status', `next-auth.session-token=${old}`))).status).toBe(401);
    const recent = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', authTime: now - 8 * 3600 + 60 },
      secret: SECRET,
    });
    expect((await proxy(req('/history', `next-auth.session-token=${recent}`))).headers.get('x-middleware-next')).toBe(
      '1',
    );
  });

  it('gives every page its own CSP nonce, on the answer and on the request Next renders from', async () => {
    const token = await encode({
      token: { sub: 'u1', username: 'olivia', role: 'operator', authTime: Math.floor(Date.now() / 1000) },
      secret: SECRET,
    });
    const first = await proxy(req('/history', `next-auth.session-token=${token}`));
    const second = await proxy(req('/login'));
    const nonceOf = (res: Response) =>
      /script-src 'self' 'nonce-([^']+)' 'strict-dynamic'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonceOf(first)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    // Next reads the nonce from the forwarded request headers (x-middleware-request-*).
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(
      first.headers.get('content-security-policy'),
    );
    // API answers keep the server's non-page policy.
    const api = await proxy(req('/api/v1/twin/status', `next-auth.session-token=${token}`));
    expect(api.headers.get('content-security-policy')).toBeNull();
  });
});
