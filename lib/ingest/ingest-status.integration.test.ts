/**
 * The HTTP ingest's refusals are counted with the same reasons as MQTT's, and the admin's
 * ingest status (GET /api/v1/ingest/status) shows each asset's last refusal.
 */
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/v1/assets/[id]/telemetry/route';
import { GET as status } from '@/app/api/v1/ingest/status/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { metricsRegistry } from '../metrics';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
});
afterAll(() => h?.stop());

async function post(assetId: string, raw: string, role: 'viewer' | 'operator' | null = 'operator') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role) headers.cookie = await h.sessionCookie(role === 'viewer' ? 'vera' : 'olivia', role);
  const req = new NextRequest(`${h.url}/api/v1/assets/${assetId}/telemetry`, { method: 'POST', headers, body: raw });
  return (await POST(req, { params: Promise.resolve({ id: assetId }) })).status;
}

async function getStatus(role: 'viewer' | 'admin') {
  const cookie = await h.sessionCookie(role === 'admin' ? 'ada' : 'vera', role);
  const res = await status(new NextRequest(`${h.url}/api/v1/ingest/status`, { headers: { cookie } }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function rejected(reason: string): Promise<number> {
  const metric = (await metricsRegistry().getMetricsAsJSON()).find((m) => m.name === 'twinops_ingest_rejected_total');
  return metric?.values.find((v) => v.labels.source === 'http' && v.labels.reason === reason)?.value ?? 0;
}

const ok = () => JSON.stringify({ ts: Date.now() - 1_000, values: { temperature: 350, pressure: 6, flow: 100 } });

describe('HTTP ingest refusals and the ingest status', () => {
  it('counts each 4xx of the ingest route by reason and keeps the asset’s last error', async () => {
    const cases: [string, string, 'viewer' | 'operator' | null, number, string][] = [
      ['reactor-1', '{"values": {', 'operator', 400, 'not_json'],
      ['reactor-1', '{"values":{"temperature":"hot","pressure":6,"flow":100}}', 'operator', 400, 'bad_field'],
      [
        'reactor-1',
        JSON.stringify({ ts: Date.now() + 3_600_000, values: { temperature: 350, pressure: 6, flow: 100 } }),
        'operator',
        400,
        'future_ts',
      ],
      ['reactor-9', ok(), 'operator', 404, 'unknown_asset'],
      ['reactor-2', ok(), null, 401, 'unauthorized'],
      ['reactor-2', ok(), 'viewer', 403, 'forbidden'],
    ];
    for (const [asset, body, role, code, reason] of cases) {
      const before = await rejected(reason);
      expect(await post(asset, body, role), reason).toBe(code);
      expect(await rejected(reason), reason).toBe(before + 1);
    }
    expect(await post('reactor-2', ok())).toBe(201);

    const { status: code, body } = await getStatus('admin');
    expect(code).toBe(200);
    const assets = body.assets as { assetId: string; lastError: Record<string, unknown> | null; rejected: number }[];
    const r1 = assets.find((a) => a.assetId === 'reactor-1')!;
    expect(r1.rejected).toBe(3);
    expect(r1.lastError).toMatchObject({ source: 'http', reason: 'future_ts', message: expect.stringContaining('ts') });
    // Authentication refusals are counted but set no asset's last error; the accepted reading is noted.
    const r2 = assets.find((a) => a.assetId === 'reactor-2')!;
    expect(r2).toMatchObject({ lastError: null, lastAccepted: { source: 'http' } });
    expect(body.mqtt).toMatchObject({ enabled: false, connected: false });
  });

  it('is for admins only', async () => {
    expect((await getStatus('viewer')).status).toBe(403);
  });
});
