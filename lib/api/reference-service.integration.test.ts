/**
 * The reference microservice's own endpoints (../shared/seeds/deploying-digital-twins.txt, 5.2),
 * replayed over real HTTP as its `call_digital_twin_api` does them, with the one added header
 * (`Authorization: Bearer <API key>`): `requests.post(f"{api_url}/predict", json=sensor_data)`,
 * then `result['success']`, `result['result']['prediction']`, `['inference_time_ms']`; and the
 * service's `GET /metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as referencePredict } from '@/app/predict/route';
import { GET as referenceMetrics } from '@/app/metrics/route';
import { startHarness, type Harness } from '../../tests/console-harness';
import { addKey, bearer, call } from './test-kit';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', API_AUTH_FAILURES_PER_MINUTE: '100000' });
  key = (await addKey(h.handle.services, 'admin')).key;
});
afterAll(() => h?.stop());

/** `call_digital_twin_api(sensor_data, api_url)`, plus the header: the JSON on 200, else null. */
async function callDigitalTwinApi(sensorData: unknown, apiUrl: string, headers: Record<string, string>) {
  const response = await fetch(`${apiUrl}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(sensorData),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

type Answer = {
  success: boolean;
  result: { prediction: number; confidence_interval: [number, number]; inference_time_ms: number; timestamp: number };
  request_id: number;
};

describe("the reference service's POST /predict and GET /metrics", () => {
  it("call_digital_twin_api({'temp': 360, 'pressure': 6.0, 'flow': 100}) prints a prediction and its time", async () => {
    const before = Date.now() / 1000;
    const { status, json } = await callDigitalTwinApi({ temp: 360, pressure: 6.0, flow: 100 }, h.url, bearer(key));
    expect(status).toBe(200);
    const result = json as unknown as Answer;
    expect(result.success).toBe(true);
    // The plant's optimum is 90 % at 360 °C / 6 bar / 100 kg/h.
    expect(result.result.prediction).toBeGreaterThan(85);
    expect(result.result.inference_time_ms).toBeGreaterThanOrEqual(0);
    expect(result.result.inference_time_ms).toBeLessThan(5000);
    const [low, high] = result.result.confidence_interval;
    expect(low).toBeLessThanOrEqual(result.result.prediction);
    expect(high).toBeGreaterThanOrEqual(result.result.prediction);
    // time.time(): epoch seconds.
    expect(result.result.timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(result.result.timestamp).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(result.request_id).toBe(1);
    const second = await callDigitalTwinApi({ temperature: 350, pressure: 5, flow: 90 }, h.url, bearer(key));
    expect((second.json as unknown as Answer).request_id).toBe(2);
  });

  it('GET /metrics answers total_requests, model_version and uptime_seconds with real values', async () => {
    const res = await fetch(`${h.url}/metrics`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total_requests: number; model_version: string; uptime_seconds: number };
    expect(body.total_requests).toBe(2);
    expect(body.model_version).toBe(h.handle.services.twin!.model()!.manifest.version);
    const uptime = (Date.now() - h.handle.services.startedAt.getTime()) / 1000;
    expect(body.uptime_seconds).toBeGreaterThan(0);
    expect(Math.abs(body.uptime_seconds - uptime)).toBeLessThan(2);
  });

  it('answers 400 {error} naming the field for bad input, and does not count it', async () => {
    const { status, json } = await callDigitalTwinApi({ temp: 360, pressure: 6.0 }, h.url, bearer(key));
    expect(status).toBe(400);
    expect(json.error).toEqual(expect.stringContaining('flow'));
    expect(json).not.toHaveProperty('success');
    const notNumber = await callDigitalTwinApi({ temp: '360', pressure: 6.0, flow: 100 }, h.url, bearer(key));
    expect(notNumber.status).toBe(400);
    expect(notNumber.json.error).toEqual(expect.stringContaining('temperature'));
    const broken = await fetch(`${h.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(key) },
      body: '{"temp": 360,',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: unknown }).error).toEqual(expect.any(String));
    const metrics = (await (await fetch(`${h.url}/metrics`, { headers: bearer(key) })).json()) as {
      total_requests: number;
    };
    expect(metrics.total_requests).toBe(2);
  });

  it('answers 401 without the header or with a wrong key, on both paths', async () => {
    const wrong = await callDigitalTwinApi({ temp: 360, pressure: 6.0, flow: 100 }, h.url, bearer('tw_wrong'));
    expect(wrong.status).toBe(401);
    expect((await fetch(`${h.url}/metrics`, { headers: bearer('tw_wrong') })).status).toBe(401);
    // Without any header the request goes through Next (the proxy answers 401 there too; proxy.test.ts).
    const bare = await call(h.url, referencePredict, '/predict', { body: { temp: 360, pressure: 6.0, flow: 100 } });
    expect(bare.status).toBe(401);
    expect((await call(h.url, referenceMetrics, '/metrics')).status).toBe(401);
  });
});
