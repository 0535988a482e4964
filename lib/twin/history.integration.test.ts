import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as history } from '@/app/api/v1/assets/[id]/history/route';
import { GET as exportCsv } from '@/app/api/v1/assets/[id]/export.csv/route';
import { GET as getPrefs, PUT as putPrefs } from '@/app/api/v1/me/preferences/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { DB_TARGETS } from '../../tests/db-targets';
import { addUser, call, sessionCookie } from '../api/test-kit';
import type { Database } from '../db/client';
import { telemetryHistoryRepo } from '../db/telemetry-history-repo';
import { telemetryRepo } from '../db/telemetry-repo';
import { historyQuerySchema, queryHistory } from './history';
import { csvExportStream, csvHeader } from './history-export';
import type { Point, StreamCatalog } from './types';

const T0 = Date.parse('2026-11-21T08:00:00Z');
const FEATURES = ['temperature', 'pressure', 'flow'];
const CATALOG: Pick<StreamCatalog, 'signals' | 'target'> = {
  signals: [
    { name: 'temperature', label: 'Temperature', unit: 'K', min: 300, max: 400 },
    { name: 'pressure', label: 'Pressure', unit: 'bar', min: 1, max: 10 },
    { name: 'flow', label: 'Flow', unit: 'L/min', min: 50, max: 150 },
  ],
  target: { name: 'yield', label: 'Yield', unit: '%' },
};

/** 2 Hz for 10 minutes; a temperature spike at i = 777 and a flagged stretch without prediction. */
function point(i: number): Point {
  const out = i >= 100 && i < 105;
  return {
    seq: i,
    ts: T0 + i * 500,
    values: { temperature: i === 777 ? 420.5 : 350 + (i % 7) / 10, pressure: 6.25, flow: 100 + (i % 3) },
    prediction: out ? null : 85 + (i % 5) / 10,
    lower: out ? null : 84,
    upper: out ? null : 86,
    modelVersion: out ? null : '1.0.0',
    inferenceMs: 1,
    flags: out ? ['out_of_range', 'ingested'] : [],
    actual: 85.5,
  };
}
const COUNT = 1_200;
const insertKnown = async (database: Database, assetId = 'reactor-1') => {
  await telemetryRepo(database.db).insertMany(Array.from({ length: COUNT }, (_, i) => ({ assetId, point: point(i) })));
};

const streamText = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe.each(DB_TARGETS)('history and export on $name', (target) => {
  let database: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    await insertKnown(database);
  }, 60_000);
  afterAll(() => database?.drop());

  const parse = (q: Record<string, string>) => historyQuerySchema(FEATURES).parse(q);

  it('answers at most maxPoints per signal, keeps the spike where it happened and counts every reading', async () => {
    const r = await queryHistory(
      telemetryHistoryRepo(database.db),
      'reactor-1',
      parse({ from: new Date(T0).toISOString(), to: String(T0 + COUNT * 500), maxPoints: '40' }),
      FEATURES,
    );
    expect(r.rawCount).toBe(COUNT);
    expect(r.downsampled).toBe(true);
    for (const [name, s] of Object.entries(r.series)) {
      expect(s.t.length, name).toBeLessThanOrEqual(40);
      expect(s.t.length, name).toBeGreaterThan(10);
      expect(
        [...s.t].sort((a, b) => a - b),
        name,
      ).toEqual(s.t);
    }
    const temp = r.series.temperature!;
    const at = temp.v.indexOf(420.5);
    expect(temp.t[at]).toBe(T0 + 777 * 500);
    expect(r.series.prediction!.lower!.every((l) => l === 84)).toBe(true);
    expect(Math.max(...r.series.flow!.v)).toBe(102);
  });

  it('gives back exactly what was stored when the range has fewer readings than maxPoints', async () => {
    const r = await queryHistory(
      telemetryHistoryRepo(database.db),
      'reactor-1',
      parse({
        from: String(T0 + 90 * 500),
        to: String(T0 + 110 * 500 - 1),
        maxPoints: '100',
        signals: 'temperature,prediction',
      }),
      FEATURES,
    );
    expect(Object.keys(r.series)).toEqual(['temperature', 'prediction']);
    expect(r.downsampled).toBe(false);
    expect(r.series.temperature!.t).toEqual(Array.from({ length: 20 }, (_, k) => T0 + (90 + k) * 500));
    expect(r.series.temperature!.v).toEqual(Array.from({ length: 20 }, (_, k) => point(90 + k).values.temperature));
    // No prediction while out of range (i = 100..104).
    expect(r.series.prediction!.t).toEqual(
      Array.from({ length: 20 }, (_, k) => 90 + k)
        .filter((i) => i < 100 || i >= 105)
        .map((i) => T0 + i * 500),
    );
  });

  it('exports every stored row as CSV with units in the header and ISO UTC times', async () => {
    const text = await streamText(
      csvExportStream(telemetryHistoryRepo(database.db), 'reactor-1', T0, T0 + COUNT * 500, CATALOG, 250),
    );
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'ts (UTC),temperature (K),pressure (bar),flow (L/min),prediction (%),lower (%),upper (%),actual (%),model_version,flags',
    );
    expect(lines[0]).toBe(csvHeader(CATALOG).join(','));
    expect(lines.length).toBe(COUNT + 1);
    expect(lines[1]).toBe(`${new Date(T0).toISOString()},350,6.25,100,85,84,86,85.5,1.0.0,`);
    expect(lines[778]).toBe(`${new Date(T0 + 777 * 500).toISOString()},420.5,6.25,100,85.2,84,86,85.5,1.0.0,`);
    expect(lines[101]).toBe(`${new Date(T0 + 100 * 500).toISOString()},350.2,6.25,101,,,,85.5,,out_of_range|ingested`);
  });
});

describe('history, export and preferences routes', () => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await startHarness({ SIMULATOR: 'off' });
    process.env.NEXTAUTH_SECRET = h.secret;
    await insertKnown(h.handle.database, 'reactor-2');
    await addUser(h.handle.services, 'vera', 'viewer');
    cookie = await sessionCookie(h.handle.services, 'vera');
  }, 60_000);
  afterAll(() => h?.stop());

  const get = (handler: typeof history, id: string, query: string) =>
    call(h.url, handler, `/api/v1/assets/${id}/history?${query}`, { params: { id }, headers: { cookie } });
  const fields = (res: { json: Record<string, unknown> | null }) =>
    ((res.json?.error as { fields?: { field: string }[] })?.fields ?? []).map((f) => f.field);

  it('GET history answers the downsampled series of the stored range', async () => {
    const res = await get(
      history,
      'reactor-2',
      `from=${new Date(T0).toISOString()}&to=${T0 + COUNT * 500}&maxPoints=100`,
    );
    expect(res.status, res.text).toBe(200);
    const body = res.json as { rawCount: number; series: Record<string, { t: number[]; v: number[] }> };
    expect(body.rawCount).toBe(COUNT);
    expect(Object.keys(body.series).sort()).toEqual(['actual', 'flow', 'prediction', 'pressure', 'temperature']);
    expect(body.series.temperature!.v).toContain(420.5);
    expect(body.series.temperature!.t.length).toBeLessThanOrEqual(100);
  });

  it('refuses bad queries with 4xx naming the field', async () => {
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 60_000).toISOString();
    const cases: [string, string, number, string][] = [
      ['reactor-2', `to=${to}`, 400, 'from'],
      ['reactor-2', `from=yesterday&to=${to}`, 400, 'from'],
      ['reactor-2', `from=${to}&to=${from}`, 400, 'to'],
      ['reactor-2', `from=${from}&to=${to}&signals=temperature,humidity`, 400, 'signals'],
      ['reactor-2', `from=${from}&to=${to}&maxPoints=5`, 400, 'maxPoints'],
      ['reactor-2', `from=${from}&to=${to}&maxPoints=20001`, 400, 'maxPoints'],
      ['reactor-2', `from=${from}&to=${to}&maxPoints=abc`, 400, 'maxPoints'],
      ['reactor-99', `from=${from}&to=${to}`, 404, 'id'],
    ];
    for (const [id, query, status, field] of cases) {
      const res = await get(history, id, query);
      expect(res.status, `${query}: ${res.text}`).toBe(status);
      expect(fields(res), query).toContain(field);
    }
    const inverted = await call(h.url, exportCsv, `/api/v1/assets/reactor-2/export.csv?from=${to}&to=${from}`, {
      params: { id: 'reactor-2' },
      headers: { cookie },
    });
    expect(inverted.status).toBe(400);
    expect(fields(inverted)).toEqual(['to']);
  });

  it('refuses a range beyond year 9999 with 400 naming the field, in history and export.csv (was a 500)', async () => {
    for (const [query, field] of [
      ['from=0&to=999999999999999', 'to'],
      ['from=999999999999998&to=999999999999999', 'from'],
    ] as const) {
      const res = await get(history, 'reactor-2', query);
      expect(res.status, res.text).toBe(400);
      expect(fields(res)).toContain(field);
      const csv = await call(h.url, exportCsv, `/api/v1/assets/reactor-2/export.csv?${query}`, {
        params: { id: 'reactor-2' },
        headers: { cookie },
      });
      expect(csv.status, csv.text).toBe(400);
      expect(fields(csv)).toContain(field);
    }
    // The last instant allowed still answers.
    expect((await get(history, 'reactor-2', `from=0&to=${Date.UTC(9999, 11, 31, 23, 59, 59, 999)}`)).status).toBe(200);
  });

  it('GET export.csv streams the stored rows as an attachment', async () => {
    const res = await call(h.url, exportCsv, `/api/v1/assets/reactor-2/export.csv?from=${T0}&to=${T0 + COUNT * 500}`, {
      params: { id: 'reactor-2' },
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="reactor-2_2026-11-21T08-00-00Z_.*\.csv"$/,
    );
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines.length).toBe(COUNT + 1);
    expect(lines[0]).toContain('temperature (');
    expect(lines[778]).toContain(',420.5,');
  });

  it('GET/PUT me/preferences keeps the user’s time zone and refuses unknown zones', async () => {
    const url = '/api/v1/me/preferences';
    expect((await call(h.url, getPrefs, url, { headers: { cookie } })).json).toEqual({
      timeZone: null,
      yAxes: {},
      theme: 'dark',
    });
    const put = await call(h.url, putPrefs, url, {
      method: 'PUT',
      body: { timeZone: 'Europe/Paris' },
      headers: { cookie },
    });
    expect(put.status, put.text).toBe(200);
    expect((await call(h.url, getPrefs, url, { headers: { cookie } })).json).toEqual({
      timeZone: 'Europe/Paris',
      yAxes: {},
      theme: 'dark',
    });
    const bad = await call(h.url, putPrefs, url, {
      method: 'PUT',
      body: { timeZone: 'Europe/Atlantis' },
      headers: { cookie },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['timeZone']);
    expect(
      (await call(h.url, putPrefs, url, { method: 'PUT', body: { timeZone: null }, headers: { cookie } })).status,
    ).toBe(200);
    expect((await call(h.url, getPrefs, url, { headers: { cookie } })).json).toEqual({
      timeZone: null,
      yAxes: {},
      theme: 'dark',
    });
    expect((await call(h.url, putPrefs, url, { method: 'PUT', body: {}, headers: { cookie } })).status).toBe(400);
  });
});
