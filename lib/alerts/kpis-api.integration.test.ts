/**
 * The alarm KPI endpoints through the real route handlers and a live console (embedded
 * database): who may read them, the figures of a written history (JSON and CSV), 400s naming
 * `from` / `to`, and their place in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as kpis } from '@/app/api/v1/alarms/kpis/route';
import { GET as kpisCsv } from '@/app/api/v1/alarms/kpis.csv/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { openApiDocument } from '../api/operations';
import { addUser, call, sessionCookie } from '../api/test-kit';
import { writeAlarmHistory } from './alarm-history';
import type { AlarmKpis } from './kpis';

let h: Harness;
const as: Record<'viewer' | 'operator' | 'admin', Record<string, string>> = { viewer: {}, operator: {}, admin: {} };
const FROM = Date.UTC(2025, 5, 1);
const TO = FROM + 86_400_000;
const range = `from=${new Date(FROM).toISOString()}&to=${TO}`;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'vera', 'viewer');
  await addUser(h.handle.services, 'olivia', 'operator');
  await addUser(h.handle.services, 'adam', 'admin');
  as.viewer = { cookie: await sessionCookie(h.handle.services, 'vera') };
  as.operator = { cookie: await sessionCookie(h.handle.services, 'olivia') };
  as.admin = { cookie: await sessionCookie(h.handle.services, 'adam') };
  // 11 alarms of one rule in the 10 minutes from 08:00 (a flood), acknowledged 60 s after each.
  const rule = { assetId: 'kpi-unit', signal: 'level', priority: 'low' as const };
  await writeAlarmHistory(
    h.handle.services.repos.alerts,
    Array.from({ length: 11 }, (_, i) => {
      const raiseAt = FROM + 8 * 3_600_000 + i * 50_000;
      return { rule, raiseAt, ackAt: raiseAt + 20_000, returnAt: raiseAt + 40_000 };
    }),
  );
}, 120_000);
afterAll(() => h?.stop());

const fields = (json: Record<string, unknown> | null | undefined) =>
  ((json!.error as { fields?: { field: string }[] }).fields ?? []).map((f) => f.field);

describe('alarm KPI API', () => {
  it('viewers, operators and admins read the figures; without a session it is 401', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const res = await call(h.url, kpis, `/api/v1/alarms/kpis?${range}`, { headers: as[role] });
      expect(res.status, res.text).toBe(200);
      const k = res.json as unknown as AlarmKpis;
      expect(k).toMatchObject({ from: FROM, to: TO, total: 11 });
      expect(k.flood).toMatchObject({ periods: 144, floodPeriods: 1, peak: 11 });
      expect(k.timeToAck).toMatchObject({ acknowledged: 11, unacknowledged: 0, p50Seconds: 20, p90Seconds: 20 });
      expect(k.priorities.map((p) => p.count)).toEqual([11, 0, 0]);
    }
    expect((await call(h.url, kpis, `/api/v1/alarms/kpis?${range}`)).status).toBe(401);
    expect((await call(h.url, kpisCsv, `/api/v1/alarms/kpis.csv?${range}`)).status).toBe(401);
  });

  it('exports the figures as CSV', async () => {
    const res = await call(h.url, kpisCsv, `/api/v1/alarms/kpis.csv?${range}`, { headers: as.viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('alarm-kpis.csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines).toContain('alarms,total,11,"annunciations (raised, incl. reactivations)"');
    expect(lines).toContain('flood,flood_periods,1,more than 10 alarms');
    expect(lines).toContain(`per_10_min,${new Date(FROM + 8 * 3_600_000).toISOString()},11,`);
  });

  it('refuses a bad range with a 400 naming the field', async () => {
    const bad = async (query: string) => {
      const res = await call(h.url, kpis, `/api/v1/alarms/kpis?${query}`, { headers: as.viewer });
      expect(res.status, query).toBe(400);
      expect(res.text).not.toMatch(/at .*\.ts|\/work\//);
      return fields(res.json);
    };
    expect(await bad('from=yesterday')).toEqual(['from']);
    expect(await bad(`from=${TO}&to=${FROM}`)).toEqual(['to']);
    expect(await bad(`from=${FROM}&to=${FROM}`)).toEqual(['to']);
    expect(await bad(`from=${FROM - 100 * 86_400_000}&to=${TO}`)).toEqual(['from']);
    expect(await bad(`${range}&asset=x`)).toEqual(['asset']);
    const csv = await call(h.url, kpisCsv, `/api/v1/alarms/kpis.csv?to=soon`, { headers: as.viewer });
    expect(csv.status).toBe(400);
    expect(fields(csv.json)).toEqual(['to']);
  });

  it('defaults to the last 24 hours', async () => {
    const res = await call(h.url, kpis, '/api/v1/alarms/kpis', { headers: as.viewer });
    expect(res.status).toBe(200);
    const k = res.json as unknown as AlarmKpis;
    expect(k.to - k.from).toBe(86_400_000);
    expect(Math.abs(k.to - Date.now())).toBeLessThan(60_000);
  });

  it('is in the OpenAPI document', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/alarms/kpis']!)).toEqual(['get']);
    expect(Object.keys(paths['/api/v1/alarms/kpis.csv']!)).toEqual(['get']);
  });
});
