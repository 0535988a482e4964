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
import { POST as optimize } from '@/app/api/v1/twin/optimize/route';
import { GET as alertsList } from '@/app/api/v1/alerts/route';
import { POST as alertAck } from '@/app/api/v1/alerts/[id]/ack/route';
import { GET as alertRules } from '@/app/api/v1/alert-rules/route';
import { POST as alarmShelve } from '@/app/api/v1/alerts/[id]/shelve/route';
import { GET as alarmJournal } from '@/app/api/v1/alarms/journal/route';
import { GET as alarmOos } from '@/app/api/v1/alarms/out-of-service/route';
import { PUT as alarmSettings } from '@/app/api/v1/alarms/settings/route';
import { POST as assetOutOfService } from '@/app/api/v1/assets/[id]/out-of-service/route';
import { PATCH as alertRulePatch } from '@/app/api/v1/alert-rules/[id]/route';
import { POST as alertRuleUnshelve } from '@/app/api/v1/alert-rules/[id]/unshelve/route';
import { GET as listModels, POST as uploadModel } from '@/app/api/v1/models/route';
import { POST as activateModel } from '@/app/api/v1/models/activate/route';
import { DELETE as stopAb, GET as getAb, PUT as putAb } from '@/app/api/v1/models/ab/route';
import { POST as promoteAb } from '@/app/api/v1/models/ab/promote/route';
import { GET as modelDrift } from '@/app/api/v1/models/drift/route';
import { GET as listBacktests, POST as startBacktest } from '@/app/api/v1/models/backtests/route';
import { GET as adminUsers, POST as adminCreateUser } from '@/app/api/v1/admin/users/route';
import { PATCH as adminPatchUser } from '@/app/api/v1/admin/users/[id]/route';
import { POST as adminResetPassword } from '@/app/api/v1/admin/users/[id]/password/route';
import { GET as adminKeys, POST as adminCreateKey } from '@/app/api/v1/admin/api-keys/route';
import { DELETE as adminRevokeKey } from '@/app/api/v1/admin/api-keys/[prefix]/route';
import { GET as adminAudit } from '@/app/api/v1/admin/audit/route';
import { GET as ingestStatus } from '@/app/api/v1/ingest/status/route';
import { POST as mePassword } from '@/app/api/v1/me/password/route';
import { GET as history } from '@/app/api/v1/assets/[id]/history/route';
import { GET as exportCsv } from '@/app/api/v1/assets/[id]/export.csv/route';
import { GET as getPreferences, PUT as putPreferences } from '@/app/api/v1/me/preferences/route';
import { startHarness, type Harness } from '../../tests/console-harness';
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
  await s.repos.apiKeys.revoke(revoked.prefix);
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

// Administration routes: a user to change (looked up once the harness runs) and fresh usernames.
let matrixUserId = '';
let matrixSeq = 0;
beforeAll(async () => {
  matrixUserId = await addUser(h.handle.services, 'matt', 'viewer');
});
const adminOnly = (ok: number) =>
  ({
    ...deny,
    'viewer key': 403,
    'operator key': 403,
    'admin key': ok,
    'viewer session': 403,
    'operator session': 403,
    'admin session': ok,
    'metrics token': 401,
  }) as const;

const reading = () => ({ ts: Date.now() - 1000, values: { temperature: 350, pressure: 6, flow: 100 } });

interface RouteCase {
  name: string;
  handler: RouteHandler;
  path: string;
  opts?: () => CallOptions;
  /** Expected status by credential; `ok` means "authorized" (not 401/403/429), for routes owned elsewhere. */
  expect: Record<string, number | 'ok'>;
}

const deny = {
  none: 401,
  malformed: 401,
  'wrong scheme': 401,
  'unknown key': 401,
  'expired key': 401,
  'revoked key': 401,
} as const;
const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/v1/assets',
    handler: assets,
    path: '/api/v1/assets',
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'POST /api/v1/assets/:id/telemetry',
    handler: telemetry,
    path: '/api/v1/assets/reactor-1/telemetry',
    opts: () => ({ params: { id: 'reactor-1' }, body: reading() }),
    expect: {
      ...deny,
      'viewer key': 403,
      'operator key': 201,
      'admin key': 201,
      'viewer session': 403,
      'operator session': 201,
      'admin session': 201,
      'metrics token': 401,
    },
  },
  {
    name: 'GET /api/metrics',
    handler: metrics,
    path: '/api/metrics',
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 403,
      'operator session': 403,
      'admin session': 200,
      'metrics token': 200,
    },
  },
  {
    name: 'GET /api/openapi.json',
    handler: openapi,
    path: '/api/openapi.json',
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'POST /api/v1/auth/login (public: credentials are ignored)',
    handler: login,
    path: '/api/v1/auth/login',
    opts: () => ({ body: { username: 'vera', password: 'vera-password' } }),
    expect: Object.fromEntries(
      [
        'none',
        'malformed',
        'wrong scheme',
        'unknown key',
        'expired key',
        'revoked key',
        'viewer key',
        'admin session',
        'metrics token',
      ].map((c) => [c, 200]),
    ),
  },
  {
    name: 'GET /api/v1/twin/status',
    handler: twinStatus,
    path: '/api/v1/twin/status',
    expect: {
      ...deny,
      'viewer key': 'ok',
      'operator key': 'ok',
      'admin key': 'ok',
      'viewer session': 'ok',
      'metrics token': 401,
    },
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
    name: 'POST /api/v1/twin/optimize',
    handler: optimize,
    path: '/api/v1/twin/optimize',
    opts: () => ({ body: {} }),
    expect: { ...deny, 'viewer key': 'ok', 'operator session': 'ok', 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/alerts',
    handler: alertsList,
    path: '/api/v1/alerts?state=open',
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'viewer session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'POST /api/v1/alerts/:id/ack (an unknown alert: 404 once authorized)',
    handler: alertAck,
    path: '/api/v1/alerts/999999/ack',
    opts: () => ({ params: { id: '999999' }, body: { comment: 'seen' } }),
    expect: {
      ...deny,
      'viewer key': 403,
      'viewer session': 403,
      'operator key': 404,
      'operator session': 404,
      'admin session': 404,
      'metrics token': 401,
    },
  },
  {
    name: 'POST /api/v1/alerts/:id/shelve (an unknown alarm: 404 once authorized)',
    handler: alarmShelve,
    path: '/api/v1/alerts/999999/shelve',
    opts: () => ({ params: { id: '999999' }, body: { durationSeconds: null, reason: 'matrix' } }),
    expect: {
      ...deny,
      'viewer key': 403,
      'viewer session': 403,
      'operator key': 404,
      'operator session': 404,
      'admin session': 404,
      'metrics token': 401,
    },
  },
  {
    name: 'GET /api/v1/alarms/journal',
    handler: alarmJournal,
    path: '/api/v1/alarms/journal',
    expect: { ...deny, 'viewer key': 200, 'viewer session': 200, 'operator session': 200, 'metrics token': 401 },
  },
  {
    name: 'GET /api/v1/alarms/out-of-service',
    handler: alarmOos,
    path: '/api/v1/alarms/out-of-service',
    expect: { ...deny, 'viewer key': 200, 'viewer session': 200, 'admin session': 200, 'metrics token': 401 },
  },
  {
    name: 'PUT /api/v1/alarms/settings',
    handler: alarmSettings,
    path: '/api/v1/alarms/settings',
    opts: () => ({ method: 'PUT', body: { maxShelveSeconds: 28_800 } }),
    expect: adminOnly(200),
  },
  {
    name: 'POST /api/v1/assets/:id/out-of-service (an unknown asset: 404 once authorized)',
    handler: assetOutOfService,
    path: '/api/v1/assets/nowhere/out-of-service',
    opts: () => ({ params: { id: 'nowhere' }, body: { reason: 'matrix' } }),
    expect: adminOnly(404),
  },
  {
    name: 'GET /api/v1/alert-rules',
    handler: alertRules,
    path: '/api/v1/alert-rules',
    expect: {
      ...deny,
      'viewer key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin key': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'PATCH /api/v1/alert-rules/:id',
    handler: alertRulePatch,
    path: '/api/v1/alert-rules/:id',
    opts: () => ({ method: 'PATCH', params: { id: firstRuleId() }, body: { enabled: true } }),
    expect: {
      ...deny,
      'viewer key': 403,
      'viewer session': 403,
      'operator key': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'POST /api/v1/alert-rules/:id/unshelve',
    handler: alertRuleUnshelve,
    path: '/api/v1/alert-rules/:id/unshelve',
    opts: () => ({ method: 'POST', params: { id: firstRuleId() } }),
    expect: {
      ...deny,
      'viewer key': 403,
      'viewer session': 403,
      'operator key': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  { name: 'GET /api/v1/admin/users', handler: adminUsers, path: '/api/v1/admin/users', expect: adminOnly(200) },
  {
    name: 'POST /api/v1/admin/users',
    handler: adminCreateUser,
    path: '/api/v1/admin/users',
    opts: () => ({ body: { username: `matrix-${++matrixSeq}`, password: 'matrix-password' } }),
    expect: adminOnly(201),
  },
  {
    name: 'PATCH /api/v1/admin/users/:id',
    handler: adminPatchUser,
    path: '/api/v1/admin/users/x',
    opts: () => ({ method: 'PATCH', params: { id: matrixUserId }, body: { displayName: `Matt ${++matrixSeq}` } }),
    expect: adminOnly(200),
  },
  {
    name: 'POST /api/v1/admin/users/:id/password',
    handler: adminResetPassword,
    path: '/api/v1/admin/users/x/password',
    opts: () => ({ params: { id: matrixUserId }, body: { password: 'matt-password' } }),
    expect: adminOnly(200),
  },
  { name: 'GET /api/v1/admin/api-keys', handler: adminKeys, path: '/api/v1/admin/api-keys', expect: adminOnly(200) },
  {
    name: 'POST /api/v1/admin/api-keys',
    handler: adminCreateKey,
    path: '/api/v1/admin/api-keys',
    opts: () => ({ body: { username: 'matt', days: 1 } }),
    expect: adminOnly(201),
  },
  {
    name: 'DELETE /api/v1/admin/api-keys/:prefix (unknown key: 404 once authorized)',
    handler: adminRevokeKey,
    path: '/api/v1/admin/api-keys/0badc0de',
    opts: () => ({ method: 'DELETE', params: { prefix: '0badc0de' } }),
    expect: adminOnly(404),
  },
  { name: 'GET /api/v1/admin/audit', handler: adminAudit, path: '/api/v1/admin/audit', expect: adminOnly(200) },
  { name: 'GET /api/v1/ingest/status', handler: ingestStatus, path: '/api/v1/ingest/status', expect: adminOnly(200) },
  {
    name: 'POST /api/v1/me/password (wrong current password: 400 for every signed-in role)',
    handler: mePassword,
    path: '/api/v1/me/password',
    opts: () => ({ body: { currentPassword: 'not-the-password', newPassword: 'another-password' } }),
    expect: {
      ...deny,
      'viewer key': 400,
      'operator key': 400,
      'admin key': 400,
      'viewer session': 400,
      'operator session': 400,
      'admin session': 400,
      'metrics token': 401,
    },
  },
  {
    name: 'GET /api/v1/assets/:id/history',
    handler: history,
    path: `/api/v1/assets/reactor-1/history?from=${Date.now() - 60_000}&to=${Date.now()}`,
    opts: () => ({ params: { id: 'reactor-1' } }),
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'GET /api/v1/assets/:id/export.csv',
    handler: exportCsv,
    path: `/api/v1/assets/reactor-1/export.csv?from=${Date.now() - 60_000}&to=${Date.now()}`,
    opts: () => ({ params: { id: 'reactor-1' } }),
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'GET /api/v1/me/preferences',
    handler: getPreferences,
    path: '/api/v1/me/preferences',
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
  {
    name: 'PUT /api/v1/me/preferences',
    handler: putPreferences,
    path: '/api/v1/me/preferences',
    opts: () => ({ method: 'PUT', body: { timeZone: 'UTC' } }),
    expect: {
      ...deny,
      'viewer key': 200,
      'operator key': 200,
      'admin key': 200,
      'viewer session': 200,
      'operator session': 200,
      'admin session': 200,
      'metrics token': 401,
    },
  },
];

const firstRuleId = () => h.handle.services.alerts!.rules()[0]!.id;
// Model lifecycle: anyone signed in reads; only admins change. Admin calls are refused for their
// content (an empty form, the version already serving...), never for the credential.
const modelAdmin = {
  ...deny,
  'viewer key': 403,
  'operator key': 403,
  'admin key': 'ok',
  'viewer session': 403,
  'operator session': 403,
  'admin session': 'ok',
  'metrics token': 401,
} as const;
const anyUser = {
  ...deny,
  'viewer key': 200,
  'operator key': 200,
  'admin key': 200,
  'viewer session': 200,
  'admin session': 200,
  'metrics token': 401,
} as const;
ROUTES.push(
  { name: 'GET /api/v1/models', handler: listModels, path: '/api/v1/models', expect: anyUser },
  {
    name: 'POST /api/v1/models',
    handler: uploadModel,
    path: '/api/v1/models',
    opts: () => ({ raw: '--x--\r\n', contentType: 'multipart/form-data; boundary=x' }),
    expect: modelAdmin,
  },
  {
    name: 'POST /api/v1/models/activate',
    handler: activateModel,
    path: '/api/v1/models/activate',
    opts: () => ({ body: { name: 'reactor-yield', version: '1.0.0' } }),
    expect: { ...modelAdmin, 'admin key': 200, 'admin session': 200 },
  },
  { name: 'GET /api/v1/models/ab', handler: getAb, path: '/api/v1/models/ab', expect: anyUser },
  {
    name: 'GET /api/v1/models/backtests',
    handler: listBacktests,
    path: '/api/v1/models/backtests',
    expect: adminOnly(200),
  },
  {
    name: 'POST /api/v1/models/backtests (an empty range of history: 202 once authorized)',
    handler: startBacktest,
    path: '/api/v1/models/backtests',
    opts: () => ({
      body: { name: 'reactor-yield', version: '1.0.0', assetId: 'reactor-1', from: 0, to: 1_000 },
    }),
    expect: adminOnly(202),
  },
  {
    name: 'PUT /api/v1/models/ab',
    handler: putAb,
    path: '/api/v1/models/ab',
    opts: () => ({ method: 'PUT', body: { name: 'reactor-yield', version: '1.0.0', share: 0.2 } }),
    expect: modelAdmin,
  },
  {
    name: 'DELETE /api/v1/models/ab',
    handler: stopAb,
    path: '/api/v1/models/ab',
    opts: () => ({ method: 'DELETE' }),
    expect: { ...modelAdmin, 'admin key': 200, 'admin session': 200 },
  },
  {
    name: 'POST /api/v1/models/ab/promote',
    handler: promoteAb,
    path: '/api/v1/models/ab/promote',
    opts: () => ({ method: 'POST' }),
    expect: modelAdmin,
  },
  { name: 'GET /api/v1/models/drift', handler: modelDrift, path: '/api/v1/models/drift', expect: anyUser },
);

const matrix = ROUTES.flatMap((r) => Object.entries(r.expect).map(([cred, status]) => ({ route: r, cred, status })));

describe('authorization matrix', () => {
  it.each(matrix.map((m) => [m.route.name, m.cred, m.status, m] as const))(
    '%s with %s -> %s',
    async (_name, cred, status, m) => {
      const res = await call(h.url, m.route.handler, m.route.path, { ...m.route.opts?.(), headers: creds[cred] });
      if (status === 'ok') expect([401, 403, 429], res.text).not.toContain(res.status);
      else expect(res.status, res.text).toBe(status);
      if (res.status === 401 || res.status === 403)
        expect(res.json).toMatchObject({ error: { code: res.status === 401 ? 'unauthorized' : 'forbidden' } });
    },
  );

  it('audits every refusal with the principal, the route template and the address', async () => {
    const viewerKey = creds['viewer key']!;
    await call(h.url, telemetry, '/api/v1/assets/reactor-2/telemetry', {
      params: { id: 'reactor-2' },
      body: reading(),
      headers: viewerKey,
      address: '203.0.113.9',
    });
    await call(h.url, assets, '/api/v1/assets', { headers: creds['revoked key'], address: '203.0.113.10' });
    const refused = await h.handle.services.audit.list({ action: 'api.refused', limit: 1000 });
    expect(refused).toContainEqual(
      expect.objectContaining({
        actor: 'vera',
        target: 'POST /api/v1/assets/:id/telemetry',
        address: '203.0.113.9',
        outcome: 'denied',
        details: expect.objectContaining({ status: 403, reason: 'role', via: 'api-key' }),
      }),
    );
    expect(refused).toContainEqual(
      expect.objectContaining({
        actor: 'admin',
        target: 'GET /api/v1/assets',
        address: '203.0.113.10',
        details: expect.objectContaining({ status: 401, reason: 'revoked' }),
      }),
    );
  });

  it('applies the owner’s current role and refuses a disabled owner’s key and token at once', async () => {
    const s = h.handle.services;
    await addUser(s, 'dora', 'operator');
    const { key } = await addKey(s, 'dora');
    const token = (
      await call(h.url, login, '/api/v1/auth/login', { body: { username: 'dora', password: 'dora-password' } })
    ).json!.token as string;
    const ingest = (credential: string) =>
      call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
        params: { id: 'reactor-1' },
        body: reading(),
        headers: bearer(credential),
      });
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
    const expired = await encode({
      token: { sub: olivia!.id, username: 'olivia', role: 'operator', typ: 'api' },
      secret: s.authSecret,
      maxAge: -120,
    });
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(expired) })).status).toBe(401);
    const cookieToken = creds['admin session']!.cookie!.split('=')[1]!;
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(cookieToken) })).status).toBe(401);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('replays the reference client: login, then Bearer <token> on GET /api/v1/assets', async () => {
    // DigitalTwinClient._authenticate: requests.post(url, json={...}); reads response.json()['token'].
    const res = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'admin', password: 'integration-admin' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { username: 'admin', role: 'admin' },
    });
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
    const bad = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'vera', password: 'wrong-password' },
      address: '192.0.2.50',
    });
    expect(bad).toMatchObject({
      status: 401,
      json: { error: { code: 'invalid_credentials', message: 'Invalid username or password' } },
    });
    const noPassword = await call(h.url, login, '/api/v1/auth/login', { body: { username: 'vera' } });
    expect(noPassword).toMatchObject({
      status: 400,
      json: { error: { code: 'validation_failed', fields: [{ field: 'password', message: 'password is required' }] } },
    });
    const numberName = await call(h.url, login, '/api/v1/auth/login', { body: { username: 42, password: 'x' } });
    expect(numberName.json).toMatchObject({ error: { fields: [{ field: 'username' }] } });
    expect(
      (
        await call(h.url, login, '/api/v1/auth/login', {
          raw: 'username=a&password=b',
          contentType: 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(415);
  });

  it('answers 429 with Retry-After once the username is locked (the login service’s throttle)', async () => {
    await addUser(h.handle.services, 'tess', 'viewer');
    let last = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'tess', password: 'bad-password' },
      address: '192.0.2.60',
    });
    for (let i = 0; i < 6 && last.status !== 429; i++) {
      last = await call(h.url, login, '/api/v1/auth/login', {
        body: { username: 'tess', password: 'bad-password' },
        address: '192.0.2.60',
      });
    }
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.json).toMatchObject({ error: { code: 'too_many_requests' } });
    const right = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'tess', password: 'tess-password' },
      address: '192.0.2.61',
    });
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
      ['/api/v1/twin/optimize', 'post'],
      ['/api/v1/twin/status', 'get'],
      ['/api/v1/model', 'get'],
      ['/api/v1/alerts', 'get'],
      ['/api/v1/alerts/{id}/ack', 'post'],
      ['/api/v1/alert-rules', 'get'],
      ['/api/v1/alert-rules/{id}', 'put'],
      ['/api/v1/alert-rules/{id}', 'patch'],
      ['/api/v1/alert-rules/{id}/shelve', 'post'],
      ['/api/v1/alert-rules/{id}/unshelve', 'post'],
      ['/api/v1/models', 'get'],
      ['/api/v1/models', 'post'],
      ['/api/v1/models/activate', 'post'],
      ['/api/v1/models/ab', 'put'],
      ['/api/v1/models/ab/promote', 'post'],
      ['/api/v1/models/drift', 'get'],
      ['/api/v1/models/backtests', 'post'],
      ['/api/v1/models/backtests/{id}', 'get'],
      ['/api/v1/admin/users', 'post'],
      ['/api/v1/admin/users/{id}', 'patch'],
      ['/api/v1/admin/api-keys/{prefix}', 'delete'],
      ['/api/v1/admin/audit', 'get'],
      ['/api/v1/ingest/status', 'get'],
      ['/api/v1/me/password', 'post'],
    ]) {
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const ingest = doc.paths['/api/v1/assets/{id}/telemetry']!.post!;
    expect(ingest['x-required-role']).toBe('operator');
    expect(JSON.stringify(ingest.requestBody)).toContain('"temperature"');
    expect(doc.paths['/api/v1/admin/users']!.post!['x-required-role']).toBe('admin');
    const loginBody = JSON.stringify(doc.paths['/api/v1/auth/login']!.post!.requestBody);
    expect(loginBody).toContain('"maxLength":64');
    expect(doc.paths['/api/v1/auth/login']!.post!.security).toEqual([]);
  });
});
