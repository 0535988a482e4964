/**
 * Every unknown key in a JSON body is refused with a 4xx naming it, whatever its name: keys that
 * name JavaScript's object machinery (`__proto__`, `constructor`, `prototype`) included. Before,
 * `{"__proto__": 1}` in a predict body was dropped without a word (zod's record skips it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as login } from '@/app/api/v1/auth/login/route';
import { POST as createUser } from '@/app/api/v1/admin/users/route';
import { POST as createKey } from '@/app/api/v1/admin/api-keys/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { PUT as preferences } from '@/app/api/v1/me/preferences/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addKey, bearer, call, sessionCookie } from './test-kit';

let h: Harness;
let key: string;
let adminCookie: Record<string, string>;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  process.env.NEXTAUTH_SECRET = h.secret;
  key = (await addKey(h.handle.services, 'admin')).key;
  adminCookie = { cookie: await sessionCookie(h.handle.services, 'admin') };
});
afterAll(() => h?.stop());

const good = '"temperature": 360, "pressure": 6, "flow": 100';

/** Over real HTTP with a bearer key: the machine fast path serves predict and batch. */
async function post(path: string, raw: string) {
  const res = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(key) },
    body: raw,
  });
  return { status: res.status, json: (await res.json()) as { error?: { fields?: { field: string }[] } } };
}
const fieldsOf = (json: { error?: { fields?: { field: string }[] } }) => json.error?.fields?.map((f) => f.field);

describe('unknown keys in JSON bodies', () => {
  it.each([
    ['__proto__', `{${good}, "__proto__": 1}`, '__proto__'],
    ['__proto__ as an object', `{${good}, "__proto__": {"temperature": 9999}}`, '__proto__'],
    ['__proto__ spelled with escapes', `{${good}, "\\u005f_proto__": 1}`, '__proto__'],
    ['constructor', `{${good}, "constructor": 1}`, 'constructor'],
    ['prototype', `{${good}, "prototype": 1}`, 'prototype'],
  ])('predict refuses %s, naming it', async (_name, raw, field) => {
    const res = await post('/api/v1/twin/predict', raw);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(fieldsOf(res.json)).toContain(field);
  });

  it('predict still answers a clean body', async () => {
    expect((await post('/api/v1/twin/predict', `{${good}}`)).status).toBe(200);
  });

  it('batch refuses __proto__ at the top and inside an input, naming where', async () => {
    const top = await post('/api/v1/twin/batch', `{"inputs": [{${good}}], "__proto__": {"inputs": []}}`);
    expect(top.status).toBe(400);
    expect(fieldsOf(top.json)).toEqual(['__proto__']);
    const inner = await post('/api/v1/twin/batch', `{"inputs": [{${good}}, {${good}, "__proto__": 1}]}`);
    expect(inner.status).toBe(400);
    expect(fieldsOf(inner.json)).toEqual(['inputs.1.__proto__']);
  });

  it('telemetry refuses __proto__ among the values', async () => {
    const res = await call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
      params: { id: 'reactor-1' },
      headers: bearer(key),
      raw: `{"values": {${good}, "__proto__": 5}}`,
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json!)).toEqual(['values.__proto__']);
  });

  it('admin endpoints refuse __proto__ and constructor and create nothing', async () => {
    for (const extra of ['"__proto__": {"role": "admin"}', '"constructor": "x"']) {
      const res = await call(h.url, createUser, '/api/v1/admin/users', {
        headers: adminCookie,
        raw: `{"username": "mallory", "password": "mallory-password-1", ${extra}}`,
      });
      expect(res.status, res.text).toBe(400);
      expect(JSON.stringify(res.json)).toMatch(/__proto__|constructor/);
    }
    expect(await h.handle.services.users.findByUsername('mallory')).toBeFalsy();
    const keyRes = await call(h.url, createKey, '/api/v1/admin/api-keys', {
      headers: adminCookie,
      raw: '{"username": "admin", "__proto__": {"days": 36500}}',
    });
    expect(keyRes.status).toBe(400);
    expect(fieldsOf(keyRes.json!)).toEqual(['__proto__']);
    const prefs = await call(h.url, preferences, '/api/v1/me/preferences', {
      method: 'PUT',
      headers: adminCookie,
      raw: '{"timeZone": null, "__proto__": {"isAdmin": true}}',
    });
    expect(prefs.status).toBe(400);
    expect(fieldsOf(prefs.json!)).toEqual(['__proto__']);
  });

  it('the token endpoint refuses unknown keys too (the form schema is strict here)', async () => {
    for (const extra of ['"__proto__": 1', '"remember": true']) {
      const res = await call(h.url, login, '/api/v1/auth/login', {
        raw: `{"username": "admin", "password": "integration-admin", ${extra}}`,
      });
      expect(res.status, res.text).toBe(400);
      expect(fieldsOf(res.json!)?.[0] ?? JSON.stringify(res.json)).toMatch(/__proto__|remember/);
    }
  });
});
