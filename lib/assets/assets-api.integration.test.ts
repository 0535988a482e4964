/**
 * The asset registry's API and its live effect through the real console wiring (socket.io,
 * pipeline, alert engine, stale monitor), on PGlite and on PostgreSQL: an admin creates an
 * asset, an open console hears `assets:changed`, then the new asset's ingested points (its
 * extra signal, its tag converted) reach a subscribed client, the database, the history, the CSV
 * and the alert engine; retired, its stream stops and its history stays readable.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list, POST as create } from '@/app/api/v1/assets/route';
import { DELETE as retire, GET as one, PATCH as patch } from '@/app/api/v1/assets/[id]/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { GET as history } from '@/app/api/v1/assets/[id]/history/route';
import { GET as exportCsv } from '@/app/api/v1/assets/[id]/export.csv/route';
import { GET as rules } from '@/app/api/v1/alert-rules/route';
import { PATCH as patchRule } from '@/app/api/v1/alert-rules/[id]/route';
import { startHarness, subscribe, until, type Harness, type TestSocket } from '../../tests/console-harness';
import { TEST_DATABASE_URL } from '../../tests/db-targets';
import { addUser, call, sessionCookie, type CallOptions } from '../api/test-kit';
import { openApiDocument } from '../api/operations';
import type { Point } from '../twin/types';

/** A database of the test's own on the machine's PostgreSQL (dropped afterwards). */
async function postgresDatabase() {
  const name = `twinops_assets_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const ENGINES = [{ name: 'pglite' }, { name: 'postgres' }] as const;

describe.each(ENGINES)('asset registry API and live effect on $name', ({ name }) => {
  let h: Harness;
  let dropDb: (() => Promise<void>) | null = null;
  const as: Record<'viewer' | 'operator' | 'admin', Record<string, string>> = { viewer: {}, operator: {}, admin: {} };
  let socket: TestSocket;
  const changes: { kind: string; id: string }[] = [];
  const points: Point[] = [];
  const T0 = Date.now() - 60_000;

  beforeAll(async () => {
    const env: Record<string, string> = { SIMULATOR: 'off' };
    if (name === 'postgres') {
      const db = await postgresDatabase();
      env.DATABASE_URL = db.url;
      dropDb = db.drop;
    }
    h = await startHarness(env);
    process.env.NEXTAUTH_SECRET = h.secret;
    await addUser(h.handle.services, 'vera', 'viewer');
    await addUser(h.handle.services, 'olivia', 'operator');
    as.viewer = { cookie: await sessionCookie(h.handle.services, 'vera') };
    as.operator = { cookie: await sessionCookie(h.handle.services, 'olivia') };
    as.admin = { cookie: await sessionCookie(h.handle.services, 'admin') };
    // A viewer's open console: it hears every change of the registry.
    socket = h.client(await h.sessionCookie('vera', 'viewer'));
    socket.on('assets:changed', (c) => changes.push(c));
    socket.on('stream:points', (m) => {
      if (m.assetId === 'r-101') points.push(...m.points);
    });
    await until(() => socket.connected, 5_000, 'socket connected');
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await dropDb?.();
  });

  const api = (handler: Parameters<typeof call>[1], path: string, opts: CallOptions = {}) =>
    call(h.url, handler, path, { headers: as.admin, ...opts });
  const fields = (res: { json: Record<string, unknown> | null }) =>
    ((res.json?.error as { fields?: { field: string }[] })?.fields ?? []).map((f) => f.field);
  const ingest = (values: Record<string, number>, ts: number) =>
    api(telemetry, '/api/v1/assets/r-101/telemetry', {
      params: { id: 'r-101' },
      headers: as.operator,
      body: { ts, values },
    });

  it('starts with the three simulated reactors of a new database', async () => {
    const res = await api(list, '/api/v1/assets', { headers: as.viewer });
    expect(res.status).toBe(200);
    const assets = res.json!.assets as { id: string; source: string }[];
    expect(assets.map((a) => [a.id, a.source])).toEqual([
      ['reactor-1', 'simulator'],
      ['reactor-2', 'simulator'],
      ['reactor-3', 'simulator'],
    ]);
  });

  it('refuses bad input naming the field (400 shape, 422 meaning), a duplicate id (409), and non-admins', async () => {
    const bad = await api(create, '/api/v1/assets', { body: { id: 'R 101', name: 'x', source: 'plc' } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['id', 'source']);
    const noRange = await api(create, '/api/v1/assets', {
      body: { id: 'x-1', name: 'x', signals: [{ name: 'level' }] },
    });
    expect(noRange.status).toBe(422);
    expect(fields(noRange)).toEqual(['signals.0.min', 'signals.0.max']);
    const dup = await api(create, '/api/v1/assets', { body: { id: 'reactor-1', name: 'again' } });
    expect(dup.status).toBe(409);
    expect(fields(dup)).toEqual(['id']);
    expect((await api(create, '/api/v1/assets', { headers: as.operator, body: { id: 'x-2', name: 'x' } })).status).toBe(
      403,
    );
    expect((await api(create, '/api/v1/assets', { headers: {}, body: { id: 'x-2', name: 'x' } })).status).toBe(401);
    expect((await api(one, '/api/v1/assets/nope', { params: { id: 'nope' }, headers: as.viewer })).status).toBe(404);
  });

  it('an admin creates an asset: consoles hear assets:changed, then its ingested points stream, converted, with the extra signal', async () => {
    const res = await api(create, '/api/v1/assets', {
      body: {
        id: 'r-101',
        name: 'R-101',
        path: 'Ludwigshafen/Ammonia/R-101',
        signals: [
          { name: 'temperature', tag: 'TI-101.PV', scale: 5 / 9, offset: -160 / 9 },
          { name: 'level', label: 'Level', unit: '%', min: 0, max: 100 },
        ],
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json!.asset).toMatchObject({ id: 'r-101', source: 'external', path: 'Ludwigshafen/Ammonia/R-101' });
    await until(() => changes.some((c) => c.kind === 'created' && c.id === 'r-101'), 5_000, 'assets:changed');

    // The list the pickers reload now has it, with its place and extra signal.
    const listed = (await api(list, '/api/v1/assets', { headers: as.viewer })).json!.assets as {
      id: string;
      path: string;
      extraSignals: { name: string; unit: string }[];
    }[];
    expect(listed.find((a) => a.id === 'r-101')).toMatchObject({
      path: 'Ludwigshafen/Ammonia/R-101',
      extraSignals: [{ name: 'level', unit: '%', min: 0, max: 100 }],
    });

    await subscribe(socket, { assetId: 'r-101' });
    // 662 °F under the source's tag is 350 °C; the level rides along.
    const sent = await ingest({ 'TI-101.PV': 662, pressure: 6, flow: 100, level: 42 }, T0);
    expect(sent.status, sent.text).toBe(201);
    await until(() => points.length > 0, 5_000, 'a point of r-101');
    expect(points[0]!.values.temperature).toBeCloseTo(350, 6);
    expect(points[0]!.values.level).toBe(42);
    expect(points[0]!.prediction).not.toBeNull();

    // An extra signal out of its range, or an unknown one, is refused naming it; nothing stored.
    const out = await ingest({ temperature: 350, pressure: 6, flow: 100, level: 140 }, T0 + 1_000);
    expect(out.status).toBe(400);
    expect(fields(out)).toEqual(['values.level']);
    const unknown = await ingest({ temperature: 350, pressure: 6, flow: 100, vibration: 1 }, T0 + 1_000);
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['values.vibration']);
  });

  it('stores the extra signal: history series and a CSV column; it gets a default rule that alerts once tuned', async () => {
    const range = `from=${T0 - 1_000}&to=${T0 + 60_000}`;
    const hist = await api(history, `/api/v1/assets/r-101/history?${range}&signals=level,temperature`, {
      params: { id: 'r-101' },
      headers: as.viewer,
    });
    expect(hist.status, hist.text).toBe(200);
    const series = hist.json!.series as Record<string, { v: number[] }>;
    expect(series.level!.v).toEqual([42]);
    expect(series.temperature!.v[0]).toBeCloseTo(350, 6);

    const csv = await api(exportCsv, `/api/v1/assets/r-101/export.csv?${range}`, {
      params: { id: 'r-101' },
      headers: as.viewer,
    });
    expect(csv.status).toBe(200);
    const [header, row] = csv.text.trim().split('\r\n');
    const cols = header!.split(',');
    expect(cols).toContain('level (%)');
    expect(row!.split(',')[cols.indexOf('level (%)')]).toBe('42');

    const listed = (await api(rules, '/api/v1/alert-rules?assetId=r-101', { headers: as.viewer })).json!.rules as {
      id: string;
      signal: string;
      low: number;
      high: number;
    }[];
    const level = listed.find((r) => r.signal === 'level');
    expect(level).toMatchObject({ low: 0, high: 100 });
    // An operator tightens it; a level above it for longer than the minimum duration raises an alarm.
    const tuned = await api(patchRule, `/api/v1/alert-rules/${level!.id}`, {
      params: { id: level!.id },
      headers: as.operator,
      body: { high: 80 },
    });
    expect(tuned.status, tuned.text).toBe(200);
    const raised: { assetId: string; signal: string }[] = [];
    socket.on('alert:raised', (a) => raised.push(a));
    for (let i = 1; i <= 4; i++)
      expect((await ingest({ temperature: 350, pressure: 6, flow: 100, level: 95 }, T0 + i * 3_000)).status).toBe(201);
    await until(() => raised.some((a) => a.assetId === 'r-101' && a.signal === 'level'), 5_000, 'level alarm');
  });

  it('an edit is live: the new place is listed and consoles hear it', async () => {
    const res = await api(patch, '/api/v1/assets/r-101', {
      method: 'PATCH',
      params: { id: 'r-101' },
      body: { name: 'R-101 converter', path: 'Ludwigshafen / Ammonia / Converters / R-101' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json!.asset).toMatchObject({ name: 'R-101 converter', path: 'Ludwigshafen/Ammonia/Converters/R-101' });
    await until(() => changes.some((c) => c.kind === 'updated' && c.id === 'r-101'), 5_000, 'assets:changed updated');
    const bad = await api(patch, '/api/v1/assets/r-101', {
      method: 'PATCH',
      params: { id: 'r-101' },
      body: { colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['colour']);
  });

  it('retiring stops the stream and refuses readings; the history stays readable; audited', async () => {
    const res = await api(retire, '/api/v1/assets/r-101', { method: 'DELETE', params: { id: 'r-101' } });
    expect(res.status, res.text).toBe(200);
    await until(() => changes.some((c) => c.kind === 'retired' && c.id === 'r-101'), 5_000, 'assets:changed retired');
    const before = points.length;
    expect((await ingest({ temperature: 350, pressure: 6, flow: 100 }, T0 + 30_000)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(points.length).toBe(before);
    await expect(subscribe(socket, { assetId: 'r-101' })).rejects.toThrow();

    const listed = (await api(list, '/api/v1/assets', { headers: as.viewer })).json!.assets as { id: string }[];
    expect(listed.map((a) => a.id)).not.toContain('r-101');
    const all = (await api(list, '/api/v1/assets?retired=true', { headers: as.viewer })).json!.assets as {
      id: string;
      retiredAt: number | null;
    }[];
    expect(all.find((a) => a.id === 'r-101')!.retiredAt).toBeGreaterThan(0);
    const hist = await api(history, `/api/v1/assets/r-101/history?from=${T0 - 1_000}&to=${T0 + 60_000}&signals=level`, {
      params: { id: 'r-101' },
      headers: as.viewer,
    });
    expect(hist.status).toBe(200);
    expect((hist.json!.series as Record<string, { v: number[] }>).level!.v.length).toBeGreaterThan(0);
    expect((await api(retire, '/api/v1/assets/r-101', { method: 'DELETE', params: { id: 'r-101' } })).status).toBe(409);

    const audit = await h.handle.services.audit.list({ actor: 'admin' });
    expect(audit.filter((e) => e.target === 'asset:r-101').map((e) => e.action)).toEqual([
      'asset.retire',
      'asset.update',
      'asset.create',
    ]);
  });

  it('documents the endpoints in the OpenAPI document', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/assets']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/v1/assets/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
  });
});

describe('a simulated asset created at run time', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SIM_RATE_HZ: '10' });
    process.env.NEXTAUTH_SECRET = h.secret;
  }, 120_000);
  afterAll(() => h?.stop());

  it('joins the simulator at once; retired, it stops', async () => {
    const admin = { cookie: await sessionCookie(h.handle.services, 'admin') };
    const res = await call(h.url, create, '/api/v1/assets', {
      headers: admin,
      body: { id: 'sim-9', name: 'Sim 9', path: 'Demo/Reactors/Sim 9', source: 'simulator' },
    });
    expect(res.status, res.text).toBe(201);
    const pipeline = h.handle.services.twin!.pipeline;
    await until(() => (pipeline.stream('sim-9')?.size ?? 0) >= 3, 10_000, 'simulated points of sim-9');
    const gone = await call(h.url, retire, '/api/v1/assets/sim-9', {
      method: 'DELETE',
      params: { id: 'sim-9' },
      headers: admin,
    });
    expect(gone.status).toBe(200);
    expect(pipeline.stream('sim-9')).toBeUndefined();
    // The other reactors keep streaming.
    const before = pipeline.stream('reactor-1')!.lastSeq;
    await until(() => pipeline.stream('reactor-1')!.lastSeq > before, 5_000, 'reactor-1 still streaming');
  });
});
