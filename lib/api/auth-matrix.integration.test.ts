import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as login } from '@/app/api/v1/auth/login/route';
import { GET as assets } from '@/app/api/v1/assets/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { GET as metrics } from '@/app/api/metrics/route';
import { GET as openapi } from '@/app/api/openapi.json/route';
import { GET as twinStatus } from '@/app/api/v1/twin/status/route';
import { GET as model } from '@/app/api/v1/model/route';
import { POST as predict } from '@/app/api/v1/twin/predict/route';
import { GET as history } from '@/app/api/v1/assets/[id]/history/route';
import { GET as exportCsv } from '@/app/api/v1/assets/[id]/export.csv/route';
import { GET as getPreferences, PUT as putPreferences } from '@/app/api/v1/me/preferences/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { apiKeysRepo } from '../db/api-keys-repo';
import { addKey, addUser, bearer, call, sessionCookie, type CallOptions, type RouteHandler } from './test-kit';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
let h: Harness;
const creds: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', METRICS_TOKEN, API_AUTH_FAILURES_PER_MINUTE: '100000' });
  process.env.NEXTAUTH_SECRET = h.secret;
  const s = h.handle.services;
  await addUser(s, 'vera', 'viewer');
  await addUser(s, 'olivia', 'operator');
  const keyOf = async (u: string) => (await addKey(s, u)).key;
  const expired = await addKey(s, 'olivia', { now: new Date(Date.now() - 3 * 86_400_000), days: 1 });
  const revoked = await addKey(s, 'admin');
  await apiKeysRepo(s.database.db).revoke(revoked.prefix);
  Object.assign(creds, {
    none: {},
    malformed: { authorization: 'Bearer not a token' },
    'wrong scheme': { authorization: 'Basic YWRtaW46aW50ZWdyYXRpb24tYWRtaW4=' },
    'unknown key': bearer(`tok_0badc0de_${'A'.repeat(43)}`),
    'expired key': bearer(expired.key),
    'revoked key': bearer(revoked.key),
    'viewer key': bearer(await keyOf('vera')),
    'operator key': bearer(await keyOf('olivia')),
    'admin key': bearer(await keyOf('admin')),
    'viewer session': { cookie: await sessionCookie(s, 'vera') },
    'operator session': { cookie: await sessionCookie(s, 'olivia') },
    'admin session': { cookie: await sessionCookie(s, 'admin') },
    'metrics token': bearer(METRICS_TOKEN),
  });
});
afterAll(() => h?.stop());

const reading = () => ({ ts: Date.now() - 1000, values: { temperature: 350, pressure: 6, flow: 100 } });

interface RouteCase {
  name: string;
  handler: RouteHandler;
  path: string;
  opts?: () => CallOptions;
  /** Expected status by credential; `ok` means "authorized" (not 401/403/429), for routes owned elsewhere. */
  expect: Record<string, number | 'ok'>;
}

const deny = { none: 401, malformed: 401, 'wrong scheme': 401, 'unknown key': 401, 'expired key': 401, 'revoked key': 401 } as const;
const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/v1/assets',
    handler: assets,
    path: '/api/v1/assets',
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'POST /api/v1/assets/:id/telemetry',
    handler: telemetry,
    path: '/api/v1/assets/reactor-1/telemetry',
    opts: () => ({ params: { id: 'reactor-1' }, body: reading() }),
    expect: { ...deny, 'viewer key': 403, 'operator key': 201, 'admin key': 201, 'viewer session': 403, 'operator session': 201, 'admin session': 201, 'metrics token': 401 },
  },
  {
    name: 'GET /api/metrics',
    handler: metrics,
    path: '/api/metrics',
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 403, 'operator session': 403, 'admin session': 200, 'metrics token': 200 },
  },
  {
    name: 'GET /api/openapi.json',
    handler: openapi,
    path: '/api/openapi.json',
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'POST /api/v1/auth/login (public: credentials are ignored)',
    handler: login,
    path: '/api/v1/auth/login',
    opts: () => ({ body: { username: 'vera', password: 'vera-password' } }),
    expect: Object.fromEntries(['none', 'malformed', 'wrong scheme', 'unknown key', 'expired key', 'revoked key', 'viewer key', 'admin session', 'metrics token'].map((c) => [c, 200])),
  },
  {
    name: 'GET /api/v1/twin/status',
    handler: twinStatus,
    path: '/api/v1/twin/status',
    expect: { ...deny, 'viewer key': 'ok', 'operator key': 'ok', 'admin key': 'ok', 'viewer session': 'ok', 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/model',
    handler: model,
    path: '/api/v1/model',
    expect: { ...deny, 'viewer key': 'ok', 'admin session': 'ok', 'metrics token': 401 },
  },
  {
    name: 'POST /api/v1/twin/predict',
    handler: predict,
    path: '/api/v1/twin/predict',
    opts: () => ({ body: { temperature: 350, pressure: 6, flow: 100 } }),
    expect: { ...deny, 'viewer key': 'ok', 'operator session': 'ok', 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/assets/:id/history',
    handler: history,
    path: `/api/v1/assets/reactor-1/history?from=${Date.now() - 60_000}&to=${Date.now()}`,
    opts: () => ({ params: { id: 'reactor-1' } }),
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/assets/:id/export.csv',
    handler: exportCsv,
    path: `/api/v1/assets/reactor-1/export.csv?from=${Date.now() - 60_000}&to=${Date.now()}`,
    opts: () => ({ params: { id: 'reactor-1' } }),
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/me/preferences',
    handler: getPreferences,
    path: '/api/v1/me/preferences',
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'PUT /api/v1/me/preferences',
    handler: putPreferences,
    path: '/api/v1/me/preferences',
    opts: () => ({ method: 'PUT', body: { timeZone: 'UTC' } }),
    expect: { ...deny, 'viewer key': 200, 'operator key': 200, 'admin key': 200, 'viewer session': 200, 'operator session': 200, 'admin session': 200, 'metrics token': 401 },
  },
];

const matrix = ROUTES.flatMap((r) => Object.entries(r.expect).map(([cred, status]) => ({ route: r, cred, status })));

describe('authorization matrix', () => {
  it.each(matrix.map((m) => [m.route.name, m.cred, m.status, m] as const))('%s with %s -> %s', async (_name, cred, status, m) => {
    const res = await call(h.url, m.route.handler, m.route.path, { ...m.route.opts?.(), headers: creds[cred] });
    if (status === 'ok') expect([401, 403, 429], res.text).not.toContain(res.status);
    else expect(res.status, res.text).toBe(status);
    if (res.status === 401 || res.status === 403) expect(res.json).toMatchObject({ error: { code: res.status === 401 ? 'unauthorized' : 'forbidden' } });
  });

  it('audits every refusal with the principal, the route template and the address', async () => {
    const viewerKey = creds['viewer key']!;
    await call(h.url, telemetry, '/api/v1/assets/reactor-2/telemetry', { params: { id: 'reactor-2' }, body: reading(), headers: viewerKey, address: '203.0.113.9' });
    await call(h.url, assets, '/api/v1/assets', { headers: creds['revoked key'], address: '203.0.113.10' });
    const refused = await h.handle.services.audit.list({ action: 'api.refused', limit: 1000 });
    expect(refused).toContainEqual(
      expect.objectContaining({ actor: 'vera', target: 'POST /api/v1/assets/:id/telemetry', address: '203.0.113.9', outcome: 'denied', details: expect.objectContaining({ status: 403, reason: 'role', via: 'api-key' }) }),
    );
    expect(refused).toContainEqual(expect.objectContaining({ actor: 'admin', target: 'GET /api/v1/assets', address: '203.0.113.10', details: expect.objectContaining({ status: 401, reason: 'revoked' }) }));
  });

  it('applies the owner’s current role and refuses a disabled owner’s key and token at once', async () => {
    const s = h.handle.services;
    await addUser(s, 'dora', 'operator');
    const { key } = await addKey(s, 'dora');
    const token = (await call(h.url, login, '/api/v1/auth/login', { body: { username: 'dora', password: 'dora-password' } })).json!.token as string;
    const ingest = (credential: string) => call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', { params: { id: 'reactor-1' }, body: reading(), headers: bearer(credential) });
    expect((await ingest(key)).status).toBe(201);
    expect((await ingest(token)).status).toBe(201);
    await s.users.setRole('dora', 'viewer');
    expect((await ingest(key)).status).toBe(403);
    expect((await ingest(token)).status).toBe(403);
    await s.users.setDisabled('dora', true);
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(key) })).status).toBe(401);
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(token) })).status).toBe(401);
  });

  it('refuses an expired login token and a session cookie sent as a bearer token', async () => {
    const s = h.handle.services;
    const olivia = await s.users.findByUsername('olivia');
    const expired = await encode({ token: { sub: olivia!.id, username: 'olivia', role: 'operator', typ: 'api' }, secret: s.authSecret, maxAge: -120 });
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(expired) })).status).toBe(401);
    const cookieToken = creds['admin session']!.cookie!.split('=')[1]!;
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(cookieToken) })).status).toBe(401);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('replays the reference client: login, then Bearer <token> on GET /api/v1/assets', async () => {
    // DigitalTwinClient._authenticate: requests.post(url, json={...}); reads response.json()['token'].
    const res = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'admin', password: 'integration-admin' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String), user: { username: 'admin', role: 'admin' } });
    const hours = (Date.parse(res.json!.expiresAt as string) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const headers = { Authorization: `Bearer ${res.json!.token as string}` };
    const list = await call(h.url, assets, '/api/v1/assets', { headers });
    expect(list.status).toBe(200);
    expect((list.json!.assets as { id: string }[]).map((a) => a.id)).toContain('reactor-1');
    const issued = await h.handle.services.audit.list({ action: 'auth.token', actor: 'admin' });
    expect(issued.length).toBeGreaterThan(0);
  });

  it('answers 401 JSON on bad credentials and 400 naming the field on bad input', async () => {
    const bad = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'vera', password: 'wrong-password' }, address: '192.0.2.50' });
    expect(bad).toMatchObject({ status: 401, json: { error: { code: 'invalid_credentials', message: 'Invalid username or password' } } });
    const noPassword = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'vera' } });
    expect(noPassword).toMatchObject({ status: 400, json: { error: { code: 'validation_failed', fields: [{ field: 'password', message: 'password is required' }] } } });
    const numberName = await call(h.url, login, '/api/v1/auth/login', { body: { username: 42, password: 'x' } });
    expect(numberName.json).toMatchObject({ error: { fields: [{ field: 'username' }] } });
    expect((await call(h.url, login, '/api/v1/auth/login', { raw: 'username=a&password=b', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('answers 429 with Retry-After once the username is locked (the login service’s throttle)', async () => {
    await addUser(h.handle.services, 'tess', 'viewer');
    let last = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'tess', password: 'bad-password' }, address: '192.0.2.60' });
    for (let i = 0; i < 6 && last.status !== 429; i++) {
      last = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'tess', password: 'bad-password' }, address: '192.0.2.60' });
    }
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.json).toMatchObject({ error: { code: 'too_many_requests' } });
    const right = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'tess', password: 'tess-password' }, address: '192.0.2.61' });
    expect(right.status).toBe(429);
  });
});

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1 with login, assets, ingest (the live features), health, metrics and the twin endpoints', async () => {
    const res = await call(h.url, openapi, '/api/openapi.json', { headers: creds['viewer key'] });
    const doc = res.json as { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/assets', 'get'],
      ['/api/v1/assets/{id}/telemetry', 'post'],
      ['/api/health', 'get'],
      ['/api/metrics', 'get'],
      ['/api/v1/twin/predict', 'post'],
      ['/api/v1/twin/batch', 'post'],
      ['/api/v1/twin/status', 'get'],
      ['/api/v1/model', 'get'],
    ]) {
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const ingest = doc.paths['/api/v1/assets/{id}/telemetry']!.post!;
    expect(ingest['x-required-role']).toBe('operator');
    expect(JSON.stringify(ingest.requestBody)).toContain('"temperature"');
    const loginBody = JSON.stringify(doc.paths['/api/v1/auth/login']!.post!.requestBody);
    expect(loginBody).toContain('"maxLength":64');
    expect(doc.paths['/api/v1/auth/login']!.post!.security).toEqual([]);
  });
});
