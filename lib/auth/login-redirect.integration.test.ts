/**
 * The credentials callback (POST /api/auth/callback/credentials) as next-auth's route handler runs
 * it: next-auth's core with our options, its answer turned into a fetch Response by next-auth's
 * own `toResponse` (where a bad Location header would throw, i.e. answer 500). The real HTTP
 * round trip through Next is in e2e/security.spec.ts.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addUser } from '../api/test-kit';
import { buildAuthOptions } from './auth-options';

// Not in next-auth's package exports: loaded by path, the very modules its route handler uses.
const load = createRequire(import.meta.url);
const nextAuthDir = path.join(path.dirname(load.resolve('next-auth')), '.');
const { AuthHandler } = load(path.join(nextAuthDir, 'core/index.js')) as {
  AuthHandler: (p: { req: Record<string, unknown>; options: unknown }) => Promise<unknown>;
};
const { toResponse } = load(path.join(nextAuthDir, 'next/utils.js')) as { toResponse: (r: unknown) => Response };

const ORIGIN = 'http://localhost:3000';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  process.env.NEXTAUTH_URL = ORIGIN;
  await addUser(h.handle.services, 'rita', 'viewer');
});
afterAll(() => h?.stop());

async function run(req: Record<string, unknown>): Promise<Response> {
  const internal = await AuthHandler({
    req: { headers: {}, cookies: {}, query: {}, method: 'GET', ...req },
    options: buildAuthOptions(),
  });
  return toResponse(internal);
}

/** Logs in through the credentials callback with this callbackUrl; returns the answer. */
async function login(callbackUrl: string): Promise<Response> {
  const csrfRes = await run({ action: 'csrf' });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = /next-auth\.csrf-token=([^;]+)/.exec(csrfRes.headers.get('set-cookie') ?? '')![1]!;
  return run({
    action: 'callback',
    providerId: 'credentials',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost:3000' },
    cookies: { 'next-auth.csrf-token': decodeURIComponent(csrfCookie) },
    body: { username: 'rita', password: 'rita-password', csrfToken, callbackUrl, json: 'true' },
  });
}

describe('credentials callback redirect', () => {
  it('keeps a same-origin path', async () => {
    const res = await login('/history?range=day');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${ORIGIN}/history?range=day`);
    expect(res.headers.get('set-cookie')).toContain('next-auth.session-token=');
  });

  it('never answers 500 or redirects off the origin, whatever the callbackUrl', async () => {
    for (const bad of [
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/\t/evil.example',
      '\n//evil.example',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      ' https://evil.example',
      'not a url',
    ]) {
      const res = await login(bad);
      expect(res.status, JSON.stringify(bad)).toBe(302);
      const target = new URL(res.headers.get('location')!, ORIGIN);
      expect(target.origin, JSON.stringify(bad)).toBe(ORIGIN);
      expect(target.pathname, JSON.stringify(bad)).toBe('/');
    }
  });
});
