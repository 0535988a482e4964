import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list } from '@/app/api/v1/alerts/route';
import { POST as ack } from '@/app/api/v1/alerts/[id]/ack/route';
import { GET as rules } from '@/app/api/v1/alert-rules/route';
import { PATCH as patchRule, PUT as putRule } from '@/app/api/v1/alert-rules/[id]/route';
import { POST as shelve } from '@/app/api/v1/alert-rules/[id]/shelve/route';
import { POST as unshelve } from '@/app/api/v1/alert-rules/[id]/unshelve/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { startHarness, until, type Harness, type TestSocket } from '../../tests/console-harness';
import { addUser, call, sessionCookie, type CallOptions } from '../api/test-kit';
import { metricsRegistry } from '../metrics';
import type { AlertEvent, AlertRule } from './types';

let h: Harness;
const as: Record<'viewer' | 'operator', Record<string, string>> = { viewer: {}, operator: {} };
let socket: TestSocket;
const seen: { kind: string; alert: AlertEvent }[] = [];

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'vera', 'viewer');
  await addUser(h.handle.services, 'olivia', 'operator');
  as.viewer = { cookie: await sessionCookie(h.handle.services, 'vera') };
  as.operator = { cookie: await sessionCookie(h.handle.services, 'olivia') };
  socket = h.client(await h.sessionCookie('vera', 'viewer'));
  socket.on('alert:raised', (alert) => seen.push({ kind: 'raised', alert }));
  socket.on('alert:updated', (alert) => seen.push({ kind: 'updated', alert }));
  await until(() => socket.connected, 5_000, 'socket connected');
});
afterAll(() => h?.stop());

const api = (handler: Parameters<typeof call>[1], path: string, opts: CallOptions = {}) =>
  call(h.url, handler, path, { headers: as.operator, ...opts });
async function ruleFor(assetId: string, signal: string): Promise<AlertRule> {
  const res = await api(rules, `/api/v1/alert-rules?assetId=${assetId}`, { headers: as.viewer });
  return (res.json!.rules as AlertRule[]).find((r) => r.signal === signal)!;
}
const ingest = (temperature: number) =>
  api(telemetry, '/api/v1/assets/reactor-1/telemetry', {
    params: { id: 'reactor-1' },
    body: { values: { temperature, pressure: 6, flow: 100 } },
  });

describe('alerts API', () => {
  it('an operator edits a rule live; an excursion raises an alert that is listed, streamed, acknowledged and cleared', async () => {
    const rule = await ruleFor('reactor-1', 'temperature');
    expect(rule).toMatchObject({ severity: 'critical', low: 300, high: 400, minDurationMs: 5000 });
    const put = await api(putRule, `/api/v1/alert-rules/${rule.id}`, {
      method: 'PUT',
      params: { id: rule.id },
      body: { severity: 'critical', low: 300, high: 380, deadband: 2, minDurationMs: 0, enabled: true },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json!.rule).toMatchObject({ high: 380, minDurationMs: 0, updatedBy: 'olivia' });

    expect((await ingest(385)).status).toBe(201);
    await h.handle.services.alerts!.idle();
    const open = await api(list, '/api/v1/alerts?state=open&assetId=reactor-1', { headers: as.viewer });
    expect(open.status).toBe(200);
    const [alert] = open.json!.alerts as AlertEvent[];
    expect(alert).toMatchObject({
      ruleId: rule.id,
      signal: 'temperature',
      direction: 'high',
      limit: 380,
      value: 385,
      state: 'active_unacked',
    });
    await until(() => seen.some((e) => e.kind === 'raised' && e.alert.id === alert!.id), 3_000, 'alert:raised');
    const scraped = await metricsRegistry().metrics();
    expect(scraped).toContain('twinops_alerts_open{severity="critical"} 1');
    expect(scraped).toMatch(/twinops_alerts_raised_total\{severity="critical"\} [1-9]/);

    const viewerAck = await api(ack, `/api/v1/alerts/${alert!.id}/ack`, {
      params: { id: String(alert!.id) },
      headers: as.viewer,
      body: {},
    });
    expect(viewerAck.status).toBe(403);
    const acked = await api(ack, `/api/v1/alerts/${alert!.id}/ack`, {
      params: { id: String(alert!.id) },
      body: { comment: '  on it  ' },
    });
    expect(acked.status, acked.text).toBe(200);
    expect(acked.json!.alert).toMatchObject({ state: 'active_acked', acknowledgedBy: 'olivia', ackComment: 'on it' });

    // 379 is inside the limit but not by the deadband: still open. 377 clears it.
    await ingest(379);
    await h.handle.services.alerts!.idle();
    expect(
      ((await api(list, '/api/v1/alerts?state=active_acked')).json!.alerts as AlertEvent[]).map((a) => a.id),
    ).toContain(alert!.id);
    await ingest(377);
    await h.handle.services.alerts!.idle();
    const cleared = (await api(list, '/api/v1/alerts?state=normal&severity=critical')).json!.alerts as AlertEvent[];
    expect(cleared.find((a) => a.id === alert!.id)).toMatchObject({ state: 'normal', acknowledgedBy: 'olivia' });
    await until(
      () => seen.some((e) => e.kind === 'updated' && e.alert.id === alert!.id && e.alert.state === 'normal'),
      3_000,
      'alert:updated cleared',
    );

    const again = await api(ack, `/api/v1/alerts/${alert!.id}/ack`, { params: { id: String(alert!.id) }, body: {} });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'alert_cleared' } } });
    expect((await api(ack, '/api/v1/alerts/abc/ack', { params: { id: 'abc' }, body: {} })).status).toBe(404);
    // No body at all (what a cross-site form could send) is no acknowledgement.
    const bodiless = await api(ack, `/api/v1/alerts/${alert!.id}/ack`, { params: { id: String(alert!.id) } });
    expect(bodiless).toMatchObject({ status: 415, json: { error: { code: 'unsupported_media_type' } } });
  });

  it('pages with before/nextBefore', async () => {
    const first = await api(list, '/api/v1/alerts?limit=1');
    const [a] = first.json!.alerts as AlertEvent[];
    expect(first.json!.nextBefore).toBe(a!.id);
    const next = await api(list, `/api/v1/alerts?limit=1&before=${a!.id}`);
    for (const b of next.json!.alerts as AlertEvent[]) expect(b.id).toBeLessThan(a!.id);
  });

  it('answers 400 naming the field for bad queries and rule changes, 404 for unknown rules', async () => {
    const bad = await api(list, '/api/v1/alerts?state=open&severity=loud&limit=0');
    expect(bad.status).toBe(400);
    expect((bad.json!.error as { fields: { field: string }[] }).fields.map((f) => f.field).sort()).toEqual([
      'limit',
      'severity',
    ]);
    const rule = await ruleFor('reactor-1', 'pressure');
    const patch = (body: unknown) =>
      api(patchRule, `/api/v1/alert-rules/${rule.id}`, { method: 'PATCH', params: { id: rule.id }, body });
    expect(await patch({ low: 12 })).toMatchObject({ status: 400, json: { error: { fields: [{ field: 'high' }] } } });
    expect(await patch({ deadband: -1 })).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'deadband' }] } },
    });
    expect(await patch({ deadband: 5 })).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'deadband' }] } },
    });
    expect(await patch({ minDurationMs: 1.5 })).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'minDurationMs' }] } },
    });
    expect(await patch({ minDurationMs: 4_000_000 })).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'minDurationMs' }] } },
    });
    expect(await patch({ severity: 'loud' })).toMatchObject({
      status: 400,
      json: { error: { fields: [{ field: 'severity' }] } },
    });
    expect(await patch({})).toMatchObject({ status: 400 });
    expect(await patch({ colour: 'red' })).toMatchObject({ status: 400 });
    const put = await api(putRule, `/api/v1/alert-rules/${rule.id}`, {
      method: 'PUT',
      params: { id: rule.id },
      body: { low: 1 },
    });
    expect(put.status).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (
        await api(patchRule, `/api/v1/alert-rules/${unknown}`, {
          method: 'PATCH',
          params: { id: unknown },
          body: { enabled: false },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(patchRule, '/api/v1/alert-rules/nope', {
          method: 'PATCH',
          params: { id: 'nope' },
          body: { enabled: false },
        })
      ).status,
    ).toBe(404);
  });

  it('shelves for the chosen minutes and unshelves; a shelved rule raises nothing', async () => {
    const rule = await ruleFor('reactor-2', 'temperature');
    await api(patchRule, `/api/v1/alert-rules/${rule.id}`, {
      method: 'PATCH',
      params: { id: rule.id },
      body: { minDurationMs: 0 },
    });
    expect(
      (await api(shelve, `/api/v1/alert-rules/${rule.id}/shelve`, { params: { id: rule.id }, body: { minutes: 0 } }))
        .status,
    ).toBe(400);
    const shelved = await api(shelve, `/api/v1/alert-rules/${rule.id}/shelve`, {
      params: { id: rule.id },
      body: { minutes: 60 },
    });
    expect(shelved.status).toBe(200);
    const until60 = (shelved.json!.rule as AlertRule).shelvedUntil!;
    expect(Math.abs(until60 - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    await api(telemetry, '/api/v1/assets/reactor-2/telemetry', {
      params: { id: 'reactor-2' },
      body: { values: { temperature: 420, pressure: 6, flow: 100 } },
    });
    await h.handle.services.alerts!.idle();
    const open = (await api(list, '/api/v1/alerts?state=open&assetId=reactor-2')).json!.alerts as AlertEvent[];
    expect(open.filter((a) => a.ruleId === rule.id)).toHaveLength(0);
    const un = await api(unshelve, `/api/v1/alert-rules/${rule.id}/unshelve`, {
      method: 'POST',
      params: { id: rule.id },
    });
    expect((un.json!.rule as AlertRule).shelvedUntil).toBeNull();
    await api(telemetry, '/api/v1/assets/reactor-2/telemetry', {
      params: { id: 'reactor-2' },
      body: { values: { temperature: 420, pressure: 6, flow: 100 } },
    });
    await h.handle.services.alerts!.idle();
    const after = (await api(list, '/api/v1/alerts?state=open&assetId=reactor-2')).json!.alerts as AlertEvent[];
    expect(after.filter((a) => a.ruleId === rule.id)).toHaveLength(1);
  });
});
