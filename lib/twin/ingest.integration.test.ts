import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/v1/assets/[id]/telemetry/route';
import { startHarness, type Harness } from '../../tests/console-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off', MAX_INGEST_BATCH: '50' });
  process.env.NEXTAUTH_SECRET = h.secret;
});
afterAll(() => h?.stop());

async function post(
  assetId: string,
  body: unknown,
  opts: { role?: 'viewer' | 'operator' | 'admin' | null; contentType?: string; raw?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (opts.role !== null) headers.cookie = await h.sessionCookie('olivia', opts.role ?? 'operator');
  const req = new NextRequest(`${h.url}/api/v1/assets/${assetId}/telemetry`, {
    method: 'POST',
    headers,
    body: opts.raw ?? JSON.stringify(body),
  });
  const res = await POST(req, { params: Promise.resolve({ id: assetId }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const good = (i: number) => ({ ts: Date.now() - 10_000 + i, values: { temperature: 350 + i, pressure: 6, flow: 100 } });
const stored = async () => {
  await h.handle.services.twin!.writer.flush();
  return h.handle.services.repos.telemetry.count('reactor-1');
};

describe('POST /api/v1/assets/:id/telemetry', () => {
  it('accepts one reading or an array, publishes them as points and stores them', async () => {
    const before = await stored();
    const one = await post('reactor-1', good(0));
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ accepted: 1 });
    const many = await post('reactor-1', [good(1), good(2), good(3)]);
    expect(many.body).toMatchObject({ accepted: 3 });
    expect(await stored()).toBe(before + 4);
    const latest = h.handle.services.twin!.pipeline.stream('reactor-1')!.latest()!;
    expect(latest.values.temperature).toBe(353);
    expect(latest.flags).toEqual(['ingested']);
    // Scored by the shipped model, with its band.
    expect(latest.modelVersion).toBe('2.0.0');
    expect(latest.lower!).toBeLessThanOrEqual(latest.prediction!);
    expect(latest.upper!).toBeGreaterThanOrEqual(latest.prediction!);
    expect(latest.prediction!).toBeGreaterThan(60);
  });

  it('refuses the whole request when one item is bad, naming its index and field; nothing is stored', async () => {
    const before = await stored();
    const seqBefore = h.handle.services.twin!.pipeline.stream('reactor-1')!.lastSeq;
    const items = [
      good(0),
      good(1),
      good(2),
      { ts: Date.now(), values: { temperature: 'hot', pressure: 6, flow: 100 } },
      good(4),
    ];
    const res = await post('reactor-1', items);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringContaining('Nothing was stored') },
    });
    const fields = (res.body.error as { fields: { field: string; message: string }[] }).fields;
    expect(fields).toContainEqual({ field: '3.values.temperature', message: 'must be a number' });
    expect(await stored()).toBe(before);
    expect(h.handle.services.twin!.pipeline.stream('reactor-1')!.lastSeq).toBe(seqBefore);
  });

  it('names missing, unknown, non-finite and future fields', async () => {
    const res = await post('reactor-1', [
      { values: { temperature: 350, pressure: 6 } },
      { values: { temperature: 350, pressure: 6, flow: 1, humidity: 3 } },
      { ts: Date.now() + 3_600_000, values: good(0).values },
    ]);
    expect(res.status).toBe(400);
    const fields = (res.body.error as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['0.values.flow', '1.values.humidity']));
    const future = await post('reactor-1', { ts: Date.now() + 3_600_000, values: good(0).values });
    expect(future.body).toMatchObject({
      error: { fields: [{ field: 'ts', message: 'ts is more than 5 minutes in the future' }] },
    });
    const infinite = await post('reactor-1', null, { raw: '{"values":{"temperature":1e309,"pressure":6,"flow":100}}' });
    expect(infinite.status).toBe(400);
  });

  it('keeps and flags a reading outside the valid range instead of dropping it', async () => {
    const res = await post('reactor-1', { values: { temperature: 455, pressure: 6, flow: 100 } });
    expect(res.status).toBe(201);
    const point = h.handle.services.twin!.pipeline.stream('reactor-1')!.latest()!;
    expect(point.values.temperature).toBe(455);
    expect(point.prediction).toBeNull();
    expect(point.flags).toContain('out_of_range');
    expect(point.outOfRange).toEqual(['temperature']);
    expect(res.body).toMatchObject({ points: [{ prediction: null, outOfRange: ['temperature'] }] });
  });

  it('answers 401 without a session, 403 for a viewer, 404 for an unknown asset', async () => {
    expect((await post('reactor-1', good(0), { role: null })).status).toBe(401);
    expect((await post('reactor-1', good(0), { role: 'viewer' })).body).toMatchObject({ error: { code: 'forbidden' } });
    expect(await post('reactor-9', good(0))).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('answers 415 for another content type, 400 for broken or empty JSON, 413 over 1 MB, 400 over the batch limit', async () => {
    expect((await post('reactor-1', good(0), { contentType: 'text/plain' })).status).toBe(415);
    expect((await post('reactor-1', null, { raw: '{"values": {' })).body).toMatchObject({
      error: { code: 'invalid_json' },
    });
    expect((await post('reactor-1', null, { raw: '' })).status).toBe(400);
    expect((await post('reactor-1', null, { raw: `{"pad":"${'x'.repeat(1_100_000)}"}` })).status).toBe(413);
    const tooMany = await post(
      'reactor-1',
      Array.from({ length: 51 }, (_, i) => good(i)),
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 50 readings per request');
  });

  it('stores a retried batch once, says which were duplicates, and stores late readings without streaming them', async () => {
    const base = Date.now() + 60_000;
    const batch = [0, 1, 2].map((i) => ({ ts: base + i, values: { temperature: 351, pressure: 6, flow: 100 } }));
    const before = await stored();
    const first = await post('reactor-1', batch);
    expect(first).toMatchObject({ status: 201, body: { accepted: 3, duplicates: 0, late: 0 } });
    const retry = await post('reactor-1', batch);
    expect(retry).toMatchObject({ status: 201, body: { accepted: 0, duplicates: 3, late: 0 } });
    expect((retry.body.points as { status: string }[]).map((p) => p.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await stored()).toBe(before + 3);
    const seq = h.handle.services.twin!.pipeline.stream('reactor-1')!.lastSeq;
    const late = await post('reactor-1', { ts: base - 30_000, values: { temperature: 352, pressure: 6, flow: 100 } });
    expect(late).toMatchObject({
      status: 201,
      body: { accepted: 1, late: 1, points: [{ status: 'late', seq: null }] },
    });
    expect(h.handle.services.twin!.pipeline.stream('reactor-1')!.lastSeq).toBe(seq);
    expect(await stored()).toBe(before + 4);
  });

  it('answers 503 not_stored, never 201, when the commit fails', async () => {
    const commits = h.handle.services.twin!.commits as unknown as { sink: { insertNew: () => Promise<never> } };
    const real = commits.sink;
    commits.sink = { insertNew: () => Promise.reject(new Error('database down')) };
    try {
      const res = await post('reactor-1', { ts: Date.now() + 120_000, values: good(0).values });
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'not_stored' } } });
    } finally {
      commits.sink = real;
    }
  });
});
