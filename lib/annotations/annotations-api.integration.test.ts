import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list, POST as create } from '@/app/api/v1/annotations/route';
import { DELETE as remove, PATCH as patch } from '@/app/api/v1/annotations/[id]/route';
import { startHarness, until, type Harness, type TestSocket } from '../../tests/console-harness';
import { addUser, call, sessionCookie, type CallOptions } from '../api/test-kit';
import { openApiDocument } from '../api/operations';
import type { Annotation } from './types';

let h: Harness;
const as: Record<'viewer' | 'operator' | 'other' | 'admin', Record<string, string>> = {
  viewer: {},
  operator: {},
  other: {},
  admin: {},
};
let socket: TestSocket;
const heard: { kind: string; id: string; note?: string }[] = [];
const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'vera', 'viewer');
  await addUser(h.handle.services, 'olivia', 'operator');
  await addUser(h.handle.services, 'oscar', 'operator');
  as.viewer = { cookie: await sessionCookie(h.handle.services, 'vera') };
  as.operator = { cookie: await sessionCookie(h.handle.services, 'olivia') };
  as.other = { cookie: await sessionCookie(h.handle.services, 'oscar') };
  as.admin = { cookie: await sessionCookie(h.handle.services, 'admin') };
  // The viewer's open console hears every change.
  socket = h.client(await h.sessionCookie('vera', 'viewer'));
  socket.on('annotation:created', (a) => heard.push({ kind: 'created', id: a.id, note: a.note }));
  socket.on('annotation:updated', (a) => heard.push({ kind: 'updated', id: a.id, note: a.note }));
  socket.on('annotation:deleted', (a) => heard.push({ kind: 'deleted', id: a.id }));
  await until(() => socket.connected, 5_000, 'socket connected');
});
afterAll(() => h?.stop());

const api = (handler: Parameters<typeof call>[1], path: string, opts: CallOptions = {}) =>
  call(h.url, handler, path, { headers: as.operator, ...opts });
const fields = (res: { json: Record<string, unknown> | null }) =>
  ((res.json?.error as { fields?: { field: string }[] })?.fields ?? []).map((f) => f.field);

describe('annotations API', () => {
  it('an operator annotates; the viewer lists it and hears it live; the viewer cannot write', async () => {
    const res = await api(create, '/api/v1/annotations', {
      body: { assetId: 'reactor-1', start: T0, end: T0 + 120_000, note: 'catalyst change' },
    });
    expect(res.status, res.text).toBe(201);
    const a = res.json!.annotation as Annotation;
    expect(a).toMatchObject({ assetId: 'reactor-1', start: T0, end: T0 + 120_000, authorUsername: 'olivia' });
    await until(() => heard.some((e) => e.kind === 'created' && e.id === a.id), 3_000, 'annotation:created');

    const seen = await api(list, `/api/v1/annotations?assetId=reactor-1&from=${T0 - 60_000}&to=${T0 + 60_000}`, {
      headers: as.viewer,
    });
    expect(seen.status).toBe(200);
    expect((seen.json!.annotations as Annotation[]).map((x) => x.id)).toEqual([a.id]);
    const elsewhere = await api(list, `/api/v1/annotations?assetId=reactor-2`, { headers: as.viewer });
    expect(elsewhere.json!.annotations).toEqual([]);

    const byViewer = await api(create, '/api/v1/annotations', {
      headers: as.viewer,
      body: { assetId: 'reactor-1', start: T0, note: 'viewer note' },
    });
    expect(byViewer.status).toBe(403);
    const anonymous = await api(list, '/api/v1/annotations', { headers: {} });
    expect(anonymous.status).toBe(401);
  });

  it('400 names the field: end before start, empty note, range over a year, unknown asset, bad query', async () => {
    const bad = (body: Record<string, unknown>) => api(create, '/api/v1/annotations', { body });
    const cases: [Record<string, unknown>, string][] = [
      [{ assetId: 'reactor-1', start: T0, end: T0 - 1, note: 'x' }, 'end'],
      [{ assetId: 'reactor-1', start: T0, note: '' }, 'note'],
      [{ assetId: 'reactor-1', start: T0, end: T0 + 400 * 86_400_000, note: 'x' }, 'end'],
      [{ assetId: 'reactor-99', start: T0, note: 'x' }, 'assetId'],
      [{ assetId: 'reactor-1', note: 'x' }, 'start'],
    ];
    for (const [body, field] of cases) {
      const res = await bad(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toEqual([field]);
    }
    const query = await api(list, '/api/v1/annotations?from=soon', { headers: as.viewer });
    expect(query.status).toBe(400);
    expect(fields(query)).toEqual(['from']);
  });

  it('the author edits (others 403, 400 on a bad merged range); the author or an admin deletes', async () => {
    const made = await api(create, '/api/v1/annotations', {
      body: { assetId: null, start: new Date(T0 + 600_000).toISOString(), note: 'grid dip' },
    });
    const a = made.json!.annotation as Annotation;
    const path = `/api/v1/annotations/${a.id}`;
    const edit = (headers: Record<string, string>, body: Record<string, unknown>) =>
      api(patch, path, { method: 'PATCH', params: { id: a.id }, headers, body });

    expect((await edit(as.other, { note: 'mine now' })).status).toBe(403);
    expect((await edit(as.admin, { note: 'admin' })).status).toBe(403);
    expect((await edit(as.viewer, { note: 'viewer' })).status).toBe(403);
    const backwards = await edit(as.operator, { end: T0 });
    expect(backwards.status).toBe(400);
    expect(fields(backwards)).toEqual(['end']);
    const ok = await edit(as.operator, { note: 'grid dip (5 s)' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json!.annotation).toMatchObject({ id: a.id, note: 'grid dip (5 s)', assetId: null });
    await until(() => heard.some((e) => e.kind === 'updated' && e.note === 'grid dip (5 s)'), 3_000, 'updated');

    const del = (headers: Record<string, string>) =>
      api(remove, path, { method: 'DELETE', params: { id: a.id }, headers });
    expect((await del(as.other)).status).toBe(403);
    expect((await del(as.admin)).status).toBe(204);
    expect((await del(as.operator)).status).toBe(404);
    await until(() => heard.some((e) => e.kind === 'deleted' && e.id === a.id), 3_000, 'deleted');

    const actions = (await h.handle.services.audit.page({ action: 'annotation.' })).entries
      .filter((e) => e.target === `annotation:${a.id}`)
      .map((e) => `${e.action}:${e.actor}:${e.outcome}`)
      .reverse();
    expect(actions).toEqual([
      'annotation.create:olivia:success',
      'annotation.update:oscar:denied',
      'annotation.update:admin:denied',
      'annotation.update:olivia:success',
      'annotation.delete:oscar:denied',
      'annotation.delete:admin:success',
    ]);
  });

  it('is in the OpenAPI document', () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/annotations']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/annotations/{id}']!).sort()).toEqual(['delete', 'patch']);
  });
});
