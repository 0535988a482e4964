/**
 * The machine fast path over real HTTP (the custom server's listener, no Next involved): bearer
 * calls to the twin endpoints are answered by the same handlers, with the same refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKey, addUser } from '../api/test-kit';
import { startHarness, type Harness } from '../../tests/console-harness';
import { metricsRegistry } from '../metrics';

let h: Harness;
let key: string;
let prefix: string;

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  await addUser(h.handle.services, 'scada', 'viewer');
  ({ key, prefix } = await addKey(h.handle.services, 'scada'));
});
afterAll(() => h?.stop());

const post = (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });

describe('machine fast path', () => {
  it('predicts for a valid key, with the reference-compatible fields', async () => {
    const res = await post('/api/v1/twin/predict', JSON.stringify({ temperature: 350, pressure: 5, flow: 100 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.prediction).toEqual(expect.any(Number));
    expect(body.confidence_interval).toHaveLength(2);
    expect(body.user).toBe('scada');
    // Written straight to the socket (no Response object): still typed and sized like Response.json.
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(body)));
  });

  it('answers batch, status and model description', async () => {
    const batch = await post(
      '/api/v1/twin/batch',
      JSON.stringify({
        inputs: [
          { temperature: 350, pressure: 5, flow: 100 },
          { temperature: 9999, pressure: 5, flow: 100 },
        ],
      }),
    );
    expect(await batch.json()).toMatchObject({ total: 2, successful: 1, errors: [{ index: 1 }] });
    const status = await fetch(`${h.url}/api/v1/twin/status`, { headers: { authorization: `Bearer ${key}` } });
    expect(await status.json()).toMatchObject({ status: 'operational', user: 'scada' });
    const model = await fetch(`${h.url}/api/v1/model`, { headers: { authorization: `Bearer ${key}` } });
    expect(model.status).toBe(200);
  });

  it('refuses what the handler refuses: bad key, wrong content type, bad fields, too large', async () => {
    expect(
      (
        await post('/api/v1/twin/predict', '{}', {
          authorization: 'Bearer tok_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        })
      ).status,
    ).toBe(401);
    expect((await post('/api/v1/twin/predict', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await post('/api/v1/twin/predict', JSON.stringify({ temperature: 'hot', pressure: 5, flow: 100 }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('temperature');
    const empty = await post('/api/v1/twin/batch', '');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_json' } });
    const huge = await post('/api/v1/twin/predict', new Uint8Array(2 * 1024 * 1024).fill(32));
    expect(huge.status).toBe(413);
    // The server is still healthy and answering afterwards.
    expect(
      (await post('/api/v1/twin/predict', JSON.stringify({ temperature: 350, pressure: 5, flow: 100 }))).status,
    ).toBe(200);
  });

  it('stops accepting a key as soon as it is revoked, despite the credential cache', async () => {
    const { key: other, prefix: otherPrefix } = await addKey(h.handle.services, 'scada');
    const call = () => fetch(`${h.url}/api/v1/twin/status`, { headers: { authorization: `Bearer ${other}` } });
    expect((await call()).status).toBe(200);
    await h.handle.services.repos.apiKeys.revoke(otherPrefix);
    expect((await call()).status).toBe(401);
    expect(prefix).not.toBe(otherPrefix);
  });

  it('takes ingest for an asset, answering 201 once stored; viewers and unknown assets are refused', async () => {
    await addUser(h.handle.services, 'gateway', 'operator');
    const { key: gatewayKey } = await addKey(h.handle.services, 'gateway');
    const ts = Date.now() - 5_000;
    const send = (path: string, auth: string) =>
      post(path, JSON.stringify([{ ts, values: { temperature: 351, pressure: 6, flow: 100 } }]), {
        authorization: `Bearer ${auth}`,
      });
    const first = await send('/api/v1/assets/reactor-2/telemetry', gatewayKey);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0, points: [{ status: 'new' }] });
    const again = await send('/api/v1/assets/reactor-2/telemetry', gatewayKey);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(h.handle.services.twin!.pipeline.stream('reactor-2')!.latest()!.values.temperature).toBe(351);
    expect((await send('/api/v1/assets/reactor-2/telemetry', key)).status).toBe(403);
    const unknown = await send('/api/v1/assets/no%20such/telemetry', gatewayKey);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found', message: 'unknown asset "no such"' } });
    expect(await metricsRegistry().metrics()).toMatch(/route="\/api\/v1\/assets\/:id\/telemetry",status="201"/);
  });

  it('counts fast-path requests in the metrics by route', async () => {
    expect(await metricsRegistry().metrics()).toMatch(/route="\/api\/v1\/twin\/predict",status="200"/);
  });
});
