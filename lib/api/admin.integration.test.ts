import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listUsers, POST as createUser } from '@/app/api/v1/admin/users/route';
import { PATCH as patchUser } from '@/app/api/v1/admin/users/[id]/route';
import { POST as resetPassword } from '@/app/api/v1/admin/users/[id]/password/route';
import { GET as listKeys, POST as createKey } from '@/app/api/v1/admin/api-keys/route';
import { DELETE as revokeKey } from '@/app/api/v1/admin/api-keys/[prefix]/route';
import { GET as auditLog } from '@/app/api/v1/admin/audit/route';
import { POST as changeOwnPassword } from '@/app/api/v1/me/password/route';
import { GET as assets } from '@/app/api/v1/assets/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { startHarness, until, type Harness } from '../../tests/console-harness';
import { addUser, bearer, call, sessionCookie, type CallOptions } from './test-kit';

let h: Harness;
let adminCookie: Record<string, string>;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  process.env.NEXTAUTH_SECRET = h.secret;
  adminCookie = { cookie: await sessionCookie(h.handle.services, 'admin') };
});
afterAll(() => h?.stop());

const asAdmin = (opts: CallOptions = {}): CallOptions => ({ ...opts, headers: { ...adminCookie, ...opts.headers } });
const login = (username: string, password: string) =>
  h.handle.services.login.authenticate({ username, password }, '192.0.2.1');
const userId = async (username: string) => (await h.handle.services.users.findByUsername(username))!.id;
const reading = () => ({ ts: Date.now() - 1000, values: { temperature: 350, pressure: 6, flow: 100 } });

describe('admin users API', () => {
  it('creates a user who can then log in, and audits who did it from where', async () => {
    const res = await call(
      h.url,
      createUser,
      '/api/v1/admin/users',
      asAdmin({
        body: { username: 'Nora', password: 'nora-password-1', role: 'operator', displayName: 'Nora N' },
        address: '203.0.113.7',
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      user: { username: 'nora', role: 'operator', displayName: 'Nora N', disabled: false },
    });
    expect(JSON.stringify(res.json)).not.toContain('passwordHash');
    expect((await login('nora', 'nora-password-1')).ok).toBe(true);
    const list = await call(h.url, listUsers, '/api/v1/admin/users', asAdmin());
    expect((list.json!.users as { username: string }[]).map((u) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'nora']),
    );
    const [entry] = await h.handle.services.audit.list({ action: 'user.create', actor: 'admin' });
    expect(entry).toMatchObject({
      target: 'nora',
      address: '203.0.113.7',
      outcome: 'success',
      details: { role: 'operator' },
    });
  });

  it('answers 409 naming username for a duplicate (any case) and 400 naming each bad field', async () => {
    const dup = await call(
      h.url,
      createUser,
      '/api/v1/admin/users',
      asAdmin({ body: { username: 'NORA', password: 'another-password' } }),
    );
    expect(dup).toMatchObject({ status: 409, json: { error: { fields: [{ field: 'username' }] } } });
    const bad = await call(
      h.url,
      createUser,
      '/api/v1/admin/users',
      asAdmin({ body: { username: 'bad name!', password: 'short', role: 'root' } }),
    );
    expect(bad.status).toBe(400);
    const fields = (bad.json!.error as { fields: { field: string; message: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['password', 'role', 'username']);
    expect(fields.find((f) => f.field === 'password')!.message).toBe('password must be at least 8 characters');
    const patchBad = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id: await userId('nora') }, body: { disabled: 'yes' } }),
    );
    expect(patchBad).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'disabled' }] } } });
    const empty = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id: await userId('nora') }, body: {} }),
    );
    expect(empty.status).toBe(400);
  });

  it('answers 404 for an unknown or malformed user id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await call(
        h.url,
        patchUser,
        `/api/v1/admin/users/${id}`,
        asAdmin({ method: 'PATCH', params: { id }, body: { role: 'viewer' } }),
      );
      expect(res.status, id).toBe(404);
      const pw = await call(
        h.url,
        resetPassword,
        `/api/v1/admin/users/${id}/password`,
        asAdmin({ params: { id }, body: { password: 'whatever-password' } }),
      );
      expect(pw.status, id).toBe(404);
    }
  });

  it('keeps the last active admin: demoting or disabling them is 409 and changes nothing', async () => {
    const id = await userId('admin');
    const demote = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id }, body: { role: 'operator' } }),
    );
    expect(demote).toMatchObject({ status: 409, json: { error: { code: 'last_admin' } } });
    const disable = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id }, body: { disabled: true } }),
    );
    expect(disable.status).toBe(409);
    expect(await h.handle.services.users.findById(id)).toMatchObject({ role: 'admin', disabled: false });
  });

  it('refuses viewers and operators (403) on every admin route', async () => {
    await addUser(h.handle.services, 'otto', 'operator');
    const cookie = { cookie: await sessionCookie(h.handle.services, 'otto') };
    const id = await userId('otto');
    const attempts = [
      call(h.url, listUsers, '/api/v1/admin/users', { headers: cookie }),
      call(h.url, createUser, '/api/v1/admin/users', {
        headers: cookie,
        body: { username: 'sneaky', password: 'sneaky-password' },
      }),
      call(h.url, patchUser, '/api/v1/admin/users/x', {
        headers: cookie,
        method: 'PATCH',
        params: { id },
        body: { role: 'admin' },
      }),
      call(h.url, listKeys, '/api/v1/admin/api-keys', { headers: cookie }),
      call(h.url, auditLog, '/api/v1/admin/audit', { headers: cookie }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    expect(await h.handle.services.users.findByUsername('sneaky')).toBeNull();
    expect((await h.handle.services.users.findById(id))!.role).toBe('operator');
  });

  it('takes a disabled user’s browser session away at once: API 401, open socket closed, reconnect refused', async () => {
    await addUser(h.handle.services, 'dana', 'operator');
    const cookie = await sessionCookie(h.handle.services, 'dana');
    expect((await call(h.url, assets, '/api/v1/assets', { headers: { cookie } })).status).toBe(200);
    const socket = h.client(cookie);
    await until(() => socket.connected, 5_000, 'socket connected');
    const res = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id: await userId('dana') }, body: { disabled: true } }),
    );
    expect(res).toMatchObject({ status: 200, json: { user: { disabled: true } } });
    expect((await call(h.url, assets, '/api/v1/assets', { headers: { cookie } })).status).toBe(401);
    await until(() => !socket.connected, 3_000, 'socket closed by the server');
    const again = h.client(cookie);
    const err = await new Promise<Error>((resolve) => again.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    again.disconnect();
    // Enabled again: the same session works again.
    await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({ method: 'PATCH', params: { id: await userId('dana') }, body: { disabled: false } }),
    );
    expect((await call(h.url, assets, '/api/v1/assets', { headers: { cookie } })).status).toBe(401); // disabling revoked the session: re-enabling does not bring old cookies back
  });

  it('applies a role change to an open session at once', async () => {
    await addUser(h.handle.services, 'ray', 'operator');
    const cookie = await sessionCookie(h.handle.services, 'ray');
    const ingest = () =>
      call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
        headers: { cookie },
        params: { id: 'reactor-1' },
        body: reading(),
      });
    expect((await ingest()).status).toBe(201);
    const res = await call(
      h.url,
      patchUser,
      '/api/v1/admin/users/x',
      asAdmin({
        method: 'PATCH',
        params: { id: await userId('ray') },
        body: { role: 'viewer', displayName: 'Ray Viewer' },
      }),
    );
    expect(res.json).toMatchObject({ user: { role: 'viewer', displayName: 'Ray Viewer' } });
    expect((await ingest()).status).toBe(403);
    const actions = (await h.handle.services.audit.list({ actor: 'admin' }))
      .filter((e) => e.target === 'ray')
      .map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.set-role', 'user.rename']));
  });

  it('resets a password: the new one works, the old one does not', async () => {
    await addUser(h.handle.services, 'rita', 'viewer');
    const res = await call(
      h.url,
      resetPassword,
      '/api/v1/admin/users/x/password',
      asAdmin({ params: { id: await userId('rita') }, body: { password: 'rita-new-password' } }),
    );
    expect(res.status, res.text).toBe(200);
    expect((await login('rita', 'rita-new-password')).ok).toBe(true);
    expect((await login('rita', 'rita-password')).ok).toBe(false);
    const short = await call(
      h.url,
      resetPassword,
      '/api/v1/admin/users/x/password',
      asAdmin({ params: { id: await userId('rita') }, body: { password: 'x' } }),
    );
    expect(short).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'password' }] } } });
  });
});

describe('POST /api/v1/me/password', () => {
  it('changes the caller’s own password only with the right current one', async () => {
    await addUser(h.handle.services, 'mia', 'viewer');
    const headers = { cookie: await sessionCookie(h.handle.services, 'mia') };
    const wrong = await call(h.url, changeOwnPassword, '/api/v1/me/password', {
      headers,
      body: { currentPassword: 'not-mine-at-all', newPassword: 'mia-new-password' },
    });
    expect(wrong).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'currentPassword' }] } } });
    const weak = await call(h.url, changeOwnPassword, '/api/v1/me/password', {
      headers,
      body: { currentPassword: 'mia-password', newPassword: 'short' },
    });
    expect(weak).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'newPassword', message: 'password must be at least 8 characters' }] } },
    });
    expect((await login('mia', 'mia-password')).ok).toBe(true);
    const ok = await call(h.url, changeOwnPassword, '/api/v1/me/password', {
      headers,
      body: { currentPassword: 'mia-password', newPassword: 'mia-new-password' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect((await login('mia', 'mia-new-password')).ok).toBe(true);
    expect((await login('mia', 'mia-password')).ok).toBe(false);
    const outcomes = (await h.handle.services.audit.list({ actor: 'mia', action: 'user.change-password' }))
      .map((e) => e.outcome)
      .sort();
    expect(outcomes).toEqual(['failure', 'success']);
    expect(
      (
        await call(h.url, changeOwnPassword, '/api/v1/me/password', {
          body: { currentPassword: 'a', newPassword: 'b-password' },
        })
      ).status,
    ).toBe(401);
  });

  it('throttles wrong current passwords like failed logins (429 with Retry-After)', async () => {
    await addUser(h.handle.services, 'tom', 'viewer');
    const headers = { cookie: await sessionCookie(h.handle.services, 'tom') };
    const attempt = (currentPassword: string) =>
      call(h.url, changeOwnPassword, '/api/v1/me/password', {
        headers,
        body: { currentPassword, newPassword: 'tom-new-password' },
        address: '192.0.2.77',
      });
    let last = await attempt('guess-0');
    for (let i = 1; i < 8 && last.status !== 429; i++) last = await attempt(`guess-${i}`);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Now even the right password waits, and so does the login form.
    expect((await attempt('tom-password')).status).toBe(429);
    expect((await login('tom', 'tom-password')).ok).toBe(false);
  });
});

describe('admin API keys', () => {
  it('creates a key shown once, lists it without the secret, and revokes it at once', async () => {
    await addUser(h.handle.services, 'kai', 'operator');
    const created = await call(
      h.url,
      createKey,
      '/api/v1/admin/api-keys',
      asAdmin({ body: { username: 'kai', days: 7, name: 'line 3 PLC' }, address: '203.0.113.8' }),
    );
    expect(created.status, created.text).toBe(201);
    const { key, prefix, expiresAt } = created.json as { key: string; prefix: string; expiresAt: string };
    expect(key).toMatch(/^tok_[0-9a-f]{8}_/);
    const days = (Date.parse(expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(key) })).status).toBe(200);

    const list = await call(h.url, listKeys, '/api/v1/admin/api-keys', asAdmin());
    expect(list.text).not.toContain(key);
    const listed = (list.json!.keys as Record<string, unknown>[]).find((k) => k.prefix === prefix);
    expect(listed).toMatchObject({
      owner: 'kai',
      role: 'operator',
      name: 'line 3 PLC',
      state: 'active',
      lastUsedAt: expect.any(String),
      createdAt: expect.any(String),
    });

    const revoked = await call(
      h.url,
      revokeKey,
      `/api/v1/admin/api-keys/${prefix}`,
      asAdmin({ method: 'DELETE', params: { prefix } }),
    );
    expect(revoked.status).toBe(200);
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(key) })).status).toBe(401);
    const after = await call(h.url, listKeys, '/api/v1/admin/api-keys', asAdmin());
    expect((after.json!.keys as Record<string, unknown>[]).find((k) => k.prefix === prefix)).toMatchObject({
      state: 'revoked',
    });
    const trail = await h.handle.services.audit.list({ actor: 'admin' });
    expect(trail).toContainEqual(
      expect.objectContaining({
        action: 'apikey.create',
        target: prefix,
        address: '203.0.113.8',
        details: expect.objectContaining({ owner: 'kai' }),
      }),
    );
    expect(trail).toContainEqual(expect.objectContaining({ action: 'apikey.revoke', target: prefix }));
  });

  it('refuses bad input (400 naming the field), an unknown owner or key (404) and a disabled owner (409)', async () => {
    const zero = await call(
      h.url,
      createKey,
      '/api/v1/admin/api-keys',
      asAdmin({ body: { username: 'kai', days: 0 } }),
    );
    expect(zero).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'days' }] } } });
    const text = await call(
      h.url,
      createKey,
      '/api/v1/admin/api-keys',
      asAdmin({ body: { username: 'kai', days: '7' } }),
    );
    expect(text).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'days' }] } } });
    expect(
      (await call(h.url, createKey, '/api/v1/admin/api-keys', asAdmin({ body: { username: 'nobody' } }))).status,
    ).toBe(404);
    await addUser(h.handle.services, 'dex', 'viewer');
    await h.handle.services.users.setDisabled('dex', true);
    expect(
      await call(h.url, createKey, '/api/v1/admin/api-keys', asAdmin({ body: { username: 'dex' } })),
    ).toMatchObject({ status: 409, json: { error: { fields: [{ field: 'username' }] } } });
    for (const prefix of ['0badc0de', 'nothex!']) {
      expect(
        (
          await call(
            h.url,
            revokeKey,
            `/api/v1/admin/api-keys/${prefix}`,
            asAdmin({ method: 'DELETE', params: { prefix } }),
          )
        ).status,
      ).toBe(404);
    }
  });
});

describe('GET /api/v1/admin/audit', () => {
  type Page = {
    entries: { id: number; actor: string | null; action: string; outcome: string; at: string }[];
    nextCursor: number | null;
  };
  const query = async (qs: string) => {
    const res = await call(h.url, auditLog, `/api/v1/admin/audit${qs}`, asAdmin());
    return { status: res.status, page: res.json as unknown as Page, json: res.json };
  };

  it('filters by actor, action (exact or prefix), outcome and time range, newest first', async () => {
    const byActor = await query('?actor=mia');
    expect(byActor.status).toBe(200);
    expect(byActor.page.entries.length).toBeGreaterThan(0);
    expect(byActor.page.entries.every((e) => e.actor === 'mia')).toBe(true);
    const ids = byActor.page.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const userActions = await query('?action=user.&actor=admin');
    expect(userActions.page.entries.length).toBeGreaterThan(3);
    expect(userActions.page.entries.every((e) => e.action.startsWith('user.'))).toBe(true);
    const exact = await query('?action=user.create');
    expect(new Set(exact.page.entries.map((e) => e.action))).toEqual(new Set(['user.create']));

    const failed = await query('?outcome=failure&action=user.change-password&actor=mia');
    expect(failed.page.entries).toHaveLength(1);
    expect(failed.page.entries[0]).toMatchObject({ actor: 'mia', outcome: 'failure' });

    const future = await query(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.page.entries).toEqual([]);
    const all = await query('?limit=500');
    const middle = all.page.entries[Math.floor(all.page.entries.length / 2)]!;
    const upTo = await query(`?to=${encodeURIComponent(middle.at)}&limit=500`);
    expect(upTo.page.entries.length).toBeLessThan(all.page.entries.length);
    expect(upTo.page.entries.every((e) => Date.parse(e.at) <= Date.parse(middle.at))).toBe(true);
  });

  it('pages with a cursor: pages do not overlap and together give the whole filtered list', async () => {
    const whole = (await query('?actor=admin&limit=500')).page.entries.map((e) => e.id);
    expect(whole.length).toBeGreaterThan(6);
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const { page }: { page: Page } = await query(`?actor=admin&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(whole);
  });

  it('answers 400 naming the bad or unknown parameter', async () => {
    for (const [qs, field] of [
      ['?outcome=maybe', 'outcome'],
      ['?from=yesterday', 'from'],
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?cursor=-4', 'cursor'],
      ['?colour=red', 'colour'],
      [`?from=${new Date().toISOString()}&to=2020-01-01T00:00:00Z`, 'from'],
    ] as const) {
      const res = await query(qs);
      expect(res.status, qs).toBe(400);
      expect(res.json, qs).toMatchObject({ error: { code: 'validation_failed', fields: [{ field }] } });
    }
  });
});
