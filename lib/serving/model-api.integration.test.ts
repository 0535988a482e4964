import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as predict } from '@/app/api/v1/twin/predict/route';
import { POST as batch } from '@/app/api/v1/twin/batch/route';
import { GET as status } from '@/app/api/v1/twin/status/route';
import { GET as model } from '@/app/api/v1/model/route';
import { startHarness, type Harness } from '../../tests/console-harness';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

let h: Harness;
async function call(handler: Handler, method: 'GET' | 'POST', body?: unknown, role: 'viewer' | null = 'viewer') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role) headers.cookie = await h.sessionCookie('victor', role);
  const req = new NextRequest(`${h.url}/api/v1/x`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await handler(req, { params: Promise.resolve({}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { [k: string]: never } };
}

describe('model endpoints with the shipped model', () => {
  beforeAll(async () => {
    h = await startHarness({ SIMULATOR: 'off', MAX_BATCH: '100' });
    process.env.NEXTAUTH_SECRET = h.secret;
  });
  afterAll(() => h?.stop());

  it('predicts one reading with its band, unit, model version, time and user', async () => {
    const res = await call(predict, 'POST', { temperature: 360, pressure: 6, flow: 100 });
    expect(res.status).toBe(200);
    const b = res.body as unknown as {
      prediction: number;
      lower: number;
      upper: number;
      confidence_interval: number[];
      unit: string;
      model: { version: string };
      inferenceMs: number;
      user: string;
      timestamp: string;
    };
    expect(b.prediction).toBeGreaterThan(85);
    expect(b.lower).toBeLessThanOrEqual(b.prediction);
    expect(b.upper).toBeGreaterThanOrEqual(b.prediction);
    expect(b.confidence_interval).toEqual([b.lower, b.upper]);
    expect(b).toMatchObject({ unit: '%', model: { name: 'reactor-yield', version: '2.0.0' }, user: 'victor' });
    expect(Date.parse(b.timestamp)).toBeGreaterThan(0);
  });

  it('names every bad field with the limit it broke', async () => {
    const res = await call(predict, 'POST', { temperature: 450, pressure: '6', humidity: 3 });
    expect(res.status).toBe(400);
    const fields = (res.body.error as unknown as { fields: { field: string; message: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['flow', 'humidity', 'pressure', 'temperature']);
    expect(fields.find((f) => f.field === 'temperature')!.message).toMatch(/400/);
    expect((await call(predict, 'POST', [1, 2])).status).toBe(400);
    expect((await call(predict, 'POST', { temperature: 360, pressure: 6, flow: 100 }, null)).status).toBe(401);
  });

  it('scores a batch in one run and answers for every item, good or bad', async () => {
    const inputs = [
      { temperature: 360, pressure: 6, flow: 100 },
      { temperature: 999, pressure: 6, flow: 100 },
      { temperature: 320, pressure: 3, flow: 60 },
      'nonsense',
    ];
    const res = await call(batch, 'POST', { inputs });
    expect(res.status).toBe(200);
    const b = res.body as unknown as {
      total: number;
      successful: number;
      failed: number;
      results: { index: number; input: unknown; prediction: number }[];
      errors: { index: number; errors: { field: string }[] }[];
    };
    expect(b).toMatchObject({ total: 4, successful: 2, failed: 2 });
    expect(b.results.map((r) => r.index)).toEqual([0, 2]);
    expect(b.results[0]!.input).toEqual(inputs[0]);
    expect(b.errors.map((e) => e.index)).toEqual([1, 3]);
    expect(b.errors[0]!.errors[0]!.field).toBe('temperature');
    expect(b.results[1]!.prediction).toBeLessThan(b.results[0]!.prediction);
  });

  it('refuses a batch over MAX_BATCH or without inputs', async () => {
    const tooMany = await call(batch, 'POST', {
      inputs: Array.from({ length: 101 }, () => ({ temperature: 360, pressure: 6, flow: 100 })),
    });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 100 inputs per request');
    expect((await call(batch, 'POST', { inputs: [] })).status).toBe(400);
    expect((await call(batch, 'POST', {})).status).toBe(400);
  });

  it('reports status and the model description', async () => {
    const s = await call(status, 'GET');
    expect(s.body).toMatchObject({
      status: 'operational',
      reason: null,
      model_info: { name: 'reactor-yield', version: '2.0.0' },
      user: 'victor',
    });
    const m = await call(model, 'GET');
    expect(m.body).toMatchObject({
      name: 'reactor-yield',
      target: { unit: '%' },
      alerts: { prediction: { low: 70, high: 95 } },
    });
    const metrics = (m.body as unknown as { metrics: { r2: number } }).metrics;
    expect(metrics.r2).toBeGreaterThanOrEqual(0.95);
  });
});

describe('model endpoints without a model (degraded)', () => {
  beforeAll(async () => {
    h = await startHarness({ SIM_RATE_HZ: '20', MODELS_DIR: '/nonexistent-models' });
    process.env.NEXTAUTH_SECRET = h.secret;
  });
  afterAll(() => h?.stop());

  it('answers 503 naming the reason, while readings keep streaming flagged model_unavailable', async () => {
    const res = await call(predict, 'POST', { temperature: 360, pressure: 6, flow: 100 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      error: {
        code: 'model_unavailable',
        message: expect.stringContaining('no model package under /nonexistent-models'),
      },
    });
    const s = await call(status, 'GET');
    expect(s.body).toMatchObject({ status: 'degraded', reason: expect.stringContaining('no model package') });
    await new Promise((r) => setTimeout(r, 300));
    const latest = h.handle.services.twin!.pipeline.stream('reactor-1')!.latest()!;
    expect(latest.prediction).toBeNull();
    expect(latest.flags).toContain('model_unavailable');
  });
});
