/**
 * One rule for `/api/metrics`: people (a browser session or a login token, which is the same
 * person's password exchanged for a bearer) need to be admins; machines use the scraper token or
 * an API key. A viewer's login token read the metrics before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as metrics } from '@/app/api/metrics/route';
import { issueLoginToken } from '../auth/bearer';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addUser, bearer, call } from './test-kit';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  await addUser(h.handle.services, 'vera', 'viewer');
});
afterAll(() => h?.stop());

const tokenOf = async (username: string) => {
  const user = (await h.handle.services.users.findByUsername(username))!;
  return (
    await issueLoginToken(
      {
        id: user.id,
        username: user.username,
        displayName: null,
        role: user.role,
        sessionGeneration: user.sessionGeneration,
      },
      h.handle.services.authSecret,
    )
  ).token;
};

describe('GET /api/metrics with a login token', () => {
  it("refuses a viewer's login token (403) and serves an admin's", async () => {
    const viewer = await call(h.url, metrics, '/api/metrics', { headers: bearer(await tokenOf('vera')) });
    expect(viewer.status).toBe(403);
    const admin = await call(h.url, metrics, '/api/metrics', { headers: bearer(await tokenOf('admin')) });
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('twinops_http_requests_total');
  });
});
