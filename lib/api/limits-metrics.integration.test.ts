import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as assets } from '@/app/api/v1/assets/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { GET as metrics } from '@/app/api/metrics/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { recordPrediction, setConnectedSocketsSource } from '../metrics';
import { addKey, addUser, bearer, call, sessionCookie } from './test-kit';

const METRICS_TOKEN = 'metrics-scraper-token-abcdefghij';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    SIMULATOR: 'off',
    API_RATE_LIMIT_PER_MINUTE: '5',
    API_AUTH_FAILURES_PER_MINUTE: '3',
    METRICS_TOKEN,
  });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'olivia', 'operator');
});
afterAll(() => h?.stop());

describe('rate limits', () => {
  it('answers 429 with Retry-After and JSON past the per-principal limit, per key and per user separately', async () => {
    const s = h.handle.services;
    const { key, prefix } = await addKey(s, 'olivia');
    const other = await addKey(s, 'olivia');
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await call(h.url, assets, '/api/v1/assets', { headers: bearer(key) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(last!.json).toMatchObject({
      error: { code: 'too_many_requests', message: expect.stringContaining('5 requests a minute') },
    });
    // Another key of the same user has its own budget; so does the user's session.
    expect((await call(h.url, assets, '/api/v1/assets', { headers: bearer(other.key) })).status).toBe(200);
    expect(
      (await call(h.url, assets, '/api/v1/assets', { headers: { cookie: await sessionCookie(s, 'olivia') } })).status,
    ).toBe(200);
    // Audited once for the window, not once per refused request.
    const refused = (await s.audit.list({ action: 'api.refused', limit: 1000 })).filter(
      (e) => e.details?.reason === 'rate_limit' && e.details?.limitKey === `key:${prefix}`,
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actor: 'olivia', target: 'GET /api/v1/assets', details: { status: 429 } });
  });

  it('refuses an address for a minute after repeated failed bearer authentications, even with a good key then', async () => {
    const { key } = await addKey(h.handle.services, 'olivia');
    const address = '203.0.113.77';
    const bad = bearer(`tok_deadbeef_${'B'.repeat(43)}`);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call(h.url, assets, '/api/v1/assets', { headers: bad, address })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const good = await call(h.url, assets, '/api/v1/assets', { headers: bearer(key), address });
    expect(good.status).toBe(429);
    expect(Number(good.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await call(h.url, assets, '/api/v1/assets', { headers: bearer(key), address: '203.0.113.78' })).status,
    ).toBe(200);
  });

  it('answers 413 over 1 MB and 415 for another content type', async () => {
    const { key } = await addKey(h.handle.services, 'olivia');
    const big = await call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
      params: { id: 'reactor-1' },
      raw: `{"pad":"${'x'.repeat(1_100_000)}"}`,
      headers: bearer(key),
    });
    expect(big).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large' } } });
    const text = await call(h.url, telemetry, '/api/v1/assets/reactor-1/telemetry', {
      params: { id: 'reactor-1' },
      raw: '{}',
      contentType: 'text/plain',
      headers: bearer(key),
    });
    expect(text.status).toBe(415);
  });
});

describe('GET /api/metrics', () => {
  it('serves Prometheus text with request counts by route template, latency, predictions, sockets, pipeline and process metrics', async () => {
    const s = h.handle.services;
    const { key } = await addKey(s, 'olivia');
    await call(h.url, telemetry, '/api/v1/assets/reactor-2/telemetry', {
      params: { id: 'reactor-2' },
      body: { values: { temperature: 350, pressure: 6, flow: 100 } },
      headers: bearer(key),
    });
    recordPrediction('reactor-yield/9.9.9', 4, 3.5);
    setConnectedSocketsSource(() => 7);
    const res = await call(h.url, metrics, '/api/metrics', { headers: bearer(METRICS_TOKEN) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = res.text;
    expect(text).toMatch(
      /twinops_http_requests_total\{method="POST",route="\/api\/v1\/assets\/:id\/telemetry",status="201"\} 1/,
    );
    expect(text).toMatch(/twinops_http_requests_total\{method="GET",route="\/api\/v1\/assets",status="429"\} \d+/);
    expect(text).toContain(
      'twinops_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/v1/assets/:id/telemetry",status="201"}',
    );
    expect(text).not.toContain('reactor-2');
    expect(text).toContain('twinops_predictions_total{model_version="reactor-yield/9.9.9"} 4');
    expect(text).toContain('twinops_inference_duration_seconds_count{model_version="reactor-yield/9.9.9"} 1');
    expect(text).toContain('twinops_connected_sockets 7');
    expect(text).toMatch(/twinops_pipeline_points_total [1-9]/);
    expect(text).toContain('twinops_pipeline_points_per_second');
    expect(text).toContain('twinops_process_cpu_user_seconds_total');
    expect(text).toContain('twinops_nodejs_heap_size_used_bytes');
    setConnectedSocketsSource(null);
  });

  it('is refused to a wrong scraper token (401, compared in constant time) and to a non-admin session (403)', async () => {
    expect(
      (await call(h.url, metrics, '/api/metrics', { headers: bearer(`${METRICS_TOKEN}x`), address: '192.0.2.200' }))
        .status,
    ).toBe(401);
    expect(
      (
        await call(h.url, metrics, '/api/metrics', {
          headers: { cookie: await sessionCookie(h.handle.services, 'olivia') },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(h.url, metrics, '/api/metrics', {
          headers: { cookie: await sessionCookie(h.handle.services, 'admin') },
        })
      ).status,
    ).toBe(200);
  });
});
