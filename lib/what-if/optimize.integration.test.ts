/**
 * POST /api/v1/twin/optimize with the shipped model: "Find best" lands on the plant's true
 * optimum (360 °C, 6 bar, 100 kg/h) within 2 °C, 0.2 bar and 3 kg/h; operator bounds and the
 * target goal are honoured; bad fields are named.
 */
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as optimize } from '@/app/api/v1/twin/optimize/route';
import { POST as predict } from '@/app/api/v1/twin/predict/route';
import { PROCESS_OPTIMUM } from '../plant/process-model';
import { startHarness, type Harness } from '../../tests/console-harness';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Answer {
  values: Record<string, number>;
  prediction: number;
  lower: number;
  upper: number;
  change: Record<string, number> | null;
  feasible: boolean;
  model: { version: string };
  error?: { fields: { field: string; message: string }[] };
}

let h: Harness;
async function call(handler: Handler, body: unknown, role: 'viewer' | null = 'viewer') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role) headers.cookie = await h.sessionCookie('victor', role);
  const req = new NextRequest(`${h.url}/api/v1/x`, { method: 'POST', headers, body: JSON.stringify(body) });
  const res = await handler(req, { params: Promise.resolve({}) });
  return { status: res.status, body: (await res.json()) as Answer };
}

const LIVE = { temperature: 340, pressure: 5, flow: 85 };

describe('POST /api/v1/twin/optimize', () => {
  beforeAll(async () => {
    h = await startHarness({ SIMULATOR: 'off' });
    process.env.NEXTAUTH_SECRET = h.secret;
  });
  afterAll(() => h?.stop());

  it('finds the true optimum with the shipped model, with its band and the change from the live values', async () => {
    const res = await call(optimize, { from: LIVE });
    expect(res.status).toBe(200);
    const { values, prediction, lower, upper, change } = res.body;
    expect(Math.abs(values.temperature! - PROCESS_OPTIMUM.temperature)).toBeLessThanOrEqual(2);
    expect(Math.abs(values.pressure! - PROCESS_OPTIMUM.pressure)).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(Math.abs(values.flow! - PROCESS_OPTIMUM.flow)).toBeLessThanOrEqual(3);
    expect(lower).toBeLessThan(prediction);
    expect(upper).toBeGreaterThan(prediction);
    expect(change).toEqual({
      temperature: values.temperature! - 340,
      pressure: expect.closeTo(values.pressure! - 5, 6),
      flow: values.flow! - 85,
    });
    expect(res.body.model.version).toBe('2.0.0');
    // The answer is the model's own prediction at that point.
    const direct = await call(predict, values);
    expect(direct.body.prediction).toBeCloseTo(prediction, 6);
  });

  it('stays inside operator bounds', async () => {
    const res = await call(optimize, { bounds: { temperature: { max: 345 }, flow: { min: 110, max: 130 } } });
    expect(res.status).toBe(200);
    expect(res.body.values.temperature).toBeLessThanOrEqual(345);
    expect(res.body.values.flow).toBeGreaterThanOrEqual(110);
    expect(res.body.values.flow).toBeLessThanOrEqual(130);
    expect(res.body.prediction).toBeLessThan((await call(optimize, {})).body.prediction);
  });

  it('reaches a target with less change than the maximum needs', async () => {
    const live = (await call(predict, LIVE)).body.prediction;
    const target = live + 2;
    const res = await call(optimize, { goal: 'target', target, from: LIVE });
    expect(res.status).toBe(200);
    expect(res.body.feasible).toBe(true);
    expect(res.body.prediction).toBeGreaterThanOrEqual(target);
    const best = await call(optimize, { from: LIVE });
    const size = (c: Record<string, number>) =>
      (c.temperature! / 100) ** 2 + (c.pressure! / 9) ** 2 + (c.flow! / 100) ** 2;
    expect(size(res.body.change!)).toBeLessThan(size(best.body.change!));
    // Out of reach: says so, and still answers with the best point.
    const tooHigh = await call(optimize, { goal: 'target', target: 99, from: LIVE });
    expect(tooHigh.body.feasible).toBe(false);
  });

  it('names bad fields (400) and needs a login (401)', async () => {
    const bad = await call(optimize, {
      bounds: { temperature: { min: 250 }, humidity: { max: 3 }, flow: { min: 120, max: 110 } },
      from: { temperature: 340, pressure: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.fields.map((f) => f.field).sort()).toEqual([
      'bounds.flow.max',
      'bounds.humidity',
      'bounds.temperature.min',
      'from.flow',
    ]);
    const noTarget = await call(optimize, { goal: 'target', from: LIVE });
    expect(noTarget.status).toBe(400);
    expect(noTarget.body.error!.fields.map((f) => f.field)).toEqual(['target']);
    expect((await call(optimize, {}, null)).status).toBe(401);
  });
});
