import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST, DELETE } from '@/app/api/[...unknown]/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addKey, bearer, call, sessionCookie } from './test-kit';

let h: Harness;
let cookie: Record<string, string>;
let key: string;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  process.env.NEXTAUTH_SECRET = h.secret;
  cookie = { cookie: await sessionCookie(h.handle.services, 'admin') };
  key = (await addKey(h.handle.services, 'admin')).key;
});
afterAll(() => h?.stop());

describe('unknown /api paths', () => {
  it('answer a JSON 404 naming the path, for any method, with a session or a key', async () => {
    for (const [handler, method, headers] of [
      [GET, 'GET', cookie],
      [POST, 'POST', bearer(key)],
      [DELETE, 'DELETE', cookie],
    ] as const) {
      const res = await call(h.url, handler, '/api/v1/no-such-thing', {
        method,
        headers,
        params: { unknown: 'v1/no-such-thing' },
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.json).toEqual({
        error: {
          code: 'not_found',
          message: `No API operation at ${method} /api/v1/no-such-thing; see /api/openapi.json`,
        },
      });
    }
  });

  it('answer 401 without a credential (which paths exist is not told)', async () => {
    const res = await call(h.url, GET, '/api/v1/no-such-thing', { params: { unknown: 'v1/no-such-thing' } });
    expect(res.status).toBe(401);
  });
});
