/**
 * The credentials callback (POST /api/auth/callback/credentials) as next-auth's route handler runs
 * it (tests/next-auth-core.ts). The real HTTP round trip through Next is in e2e/security.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../tests/console-harness';
import { credentialsLogin } from '../../tests/next-auth-core';
import { addUser } from '../api/test-kit';

const ORIGIN = 'http://localhost:3000';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  process.env.NEXTAUTH_URL = ORIGIN;
  await addUser(h.handle.services, 'rita', 'viewer');
});
afterAll(() => h?.stop());

const login = (callbackUrl: string) => credentialsLogin('rita', 'rita-password', callbackUrl);

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
