/**
 * The reference service's `DigitalTwinClient` (../shared/seeds/deploying-digital-twins.txt, 5.4),
 * replayed call for call over real HTTP: it must work unchanged against twinops. Its usage example
 * sends `temp` (our feature is `temperature`, with `temp` as its alias in twin.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../tests/console-harness';
import { call } from './test-kit';
import { POST as login } from '../../app/api/v1/auth/login/route';
import { GET as health } from '../../app/health/route';
import { GET as modelInfo } from '../../app/model/info/route';

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
});
afterAll(() => h?.stop());

/** `requests.post(url, json=..., headers=...)`: JSON body, content-type application/json. */
function requestsPost(path: string, json: unknown, headers: Record<string, string> = {}) {
  return fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
}

describe('the reference DigitalTwinClient, unchanged', () => {
  it('_authenticate: POST /api/v1/auth/login {username, password} -> response.json()["token"]', async () => {
    const res = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'admin', password: 'integration-admin' },
    });
    expect(res.status).toBe(200);
    token = res.json!.token as string;
    expect(token).toEqual(expect.any(String));
  });

  it("predict({'temp': 360, 'pressure': 6.0, 'flow': 100}) -> prediction, confidence_interval, timestamp, user", async () => {
    const res = await requestsPost(
      '/api/v1/twin/predict',
      { temp: 360, pressure: 6.0, flow: 100 },
      { Authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      prediction: number;
      confidence_interval: [number, number];
      timestamp: string;
      user: string;
    };
    // The plant's optimum is 90 % at 360 °C / 6 bar / 100 kg/h.
    expect(body.prediction).toBeGreaterThan(85);
    expect(body.confidence_interval[0]).toBeLessThanOrEqual(body.prediction);
    expect(body.confidence_interval[1]).toBeGreaterThanOrEqual(body.prediction);
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(body.user).toBe('admin');
  });

  it('batch_predict(inputs_list) -> total, successful, results; refused items listed in errors', async () => {
    const inputs = [
      { temp: 360, pressure: 6.0, flow: 100 },
      { temp: 330, pressure: 4.0, flow: 80 },
      { temp: 999, pressure: 6.0, flow: 100 },
    ];
    const res = await requestsPost('/api/v1/twin/batch', { inputs }, { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      total: number;
      successful: number;
      results: { index: number; prediction: number }[];
      errors: { index: number; errors: { field: string }[] }[];
    };
    expect(body).toMatchObject({ total: 3, successful: 2 });
    expect(body.results.map((r) => r.index)).toEqual([0, 1]);
    expect(body.errors).toEqual([{ index: 2, errors: [expect.objectContaining({ field: 'temperature' })] }]);
  });

  it('GET /api/v1/twin/status with the token', async () => {
    const res = await fetch(`${h.url}/api/v1/twin/status`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'operational', model_info: { name: 'reactor-yield' } });
  });

  it('GET /health and GET /model/info as the reference service answers them', async () => {
    const probe = await call(h.url, health, '/health');
    expect(probe.status).toBe(200);
    expect(probe.json).toMatchObject({ status: 'healthy' });
    const info = await call(h.url, modelInfo, '/model/info', { headers: { Authorization: `Bearer ${token}` } });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ version: '2.0.0', trained_date: expect.any(String) });
  });

  it('a failed login raises in the client (non-200), with a JSON reason', async () => {
    const res = await call(h.url, login, '/api/v1/auth/login', {
      body: { username: 'admin', password: 'not-the-password' },
      address: '192.0.2.90',
    });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'invalid_credentials' } });
  });
});
