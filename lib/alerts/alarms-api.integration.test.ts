/**
 * The ISA-18.2 alarm endpoints through the real route handlers and a live console (embedded
 * database, socket.io): shelving with the admin's maximum, the journal (JSON and CSV) with its
 * filters, out of service by rule and asset, and 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list } from '@/app/api/v1/alerts/route';
import { POST as ack } from '@/app/api/v1/alerts/[id]/ack/route';
import { POST as shelve } from '@/app/api/v1/alerts/[id]/shelve/route';
import { POST as unshelve } from '@/app/api/v1/alerts/[id]/unshelve/route';
import { GET as rules } from '@/app/api/v1/alert-rules/route';
import { PATCH as patchRule } from '@/app/api/v1/alert-rules/[id]/route';
import { POST as ruleOos } from '@/app/api/v1/alert-rules/[id]/out-of-service/route';
import { POST as ruleRts } from '@/app/api/v1/alert-rules/[id]/return-to-service/route';
import { POST as assetOos } from '@/app/api/v1/assets/[id]/out-of-service/route';
import { POST as assetRts } from '@/app/api/v1/assets/[id]/return-to-service/route';
import { GET as journal } from '@/app/api/v1/alarms/journal/route';
import { GET as journalCsv } from '@/app/api/v1/alarms/journal.csv/route';
import { GET as getSettings, PUT as putSettings } from '@/app/api/v1/alarms/settings/route';
import { GET as oosList } from '@/app/api/v1/alarms/out-of-service/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { startHarness, until, type Harness, type TestSocket } from '../../tests/console-harness';
import { addUser, call, sessionCookie, type CallOptions } from '../api/test-kit';
import type { AlertEvent, AlertRule, JournalEntry } from './types';

let h: Harness;
const as: Record<'viewer' | 'operator' | 'admin', Record<string, string>> = { viewer: {}, operator: {}, admin: {} };
let socket: TestSocket;
const seen: { kind: string; alert: AlertEvent }[] = [];

beforeAll(async () => {
  h = await startHarness({ SIMULATOR: 'off' });
  process.env.NEXTAUTH_SECRET = h.secret;
  await addUser(h.handle.services, 'vera', 'viewer');
  await addUser(h.handle.services, 'olivia', 'operator');
  await addUser(h.handle.services, 'adam', 'admin');
  as.viewer = { cookie: await sessionCookie(h.handle.services, 'vera') };
  as.operator = { cookie: await sessionCookie(h.handle.services, 'olivia') };
  as.admin = { cookie: await sessionCookie(h.handle.services, 'adam') };
  socket = h.client(await h.sessionCookie('vera', 'viewer'));
  socket.on('alert:raised', (alert) => seen.push({ kind: 'raised', alert }));
  socket.on('alert:updated', (alert) => seen.push({ kind: 'updated', alert }));
  await until(() => socket.connected, 5_000, 'socket connected');
});
afterAll(() => h?.stop());

const api = (handler: Parameters<typeof call>[1], path: string, opts: CallOptions = {}) =>
  call(h.url, handler, path, { headers: as.operator, ...opts });
const fields = (res: { json?: Record<string, unknown> | null }) =>
  ((res.json!.error as { fields?: { field: string }[] }).fields ?? []).map((f) => f.field).sort();
async function ruleFor(assetId: string, signal: string): Promise<AlertRule> {
  const res = await api(rules, `/api/v1/alert-rules?assetId=${assetId}`, { headers: as.viewer });
  return (res.json!.rules as AlertRule[]).find((r) => r.signal === signal)!;
}
const ingest = (assetId: string, temperature: number) =>
  api(telemetry, `/api/v1/assets/${assetId}/telemetry`, {
    params: { id: assetId },
    body: { values: { temperature, pressure: 6, flow: 100 } },
  });
async function raise(assetId: string, temperature = 420): Promise<AlertEvent> {
  const rule = await ruleFor(assetId, 'temperature');
  const patched = await api(patchRule, `/api/v1/alert-rules/${rule.id}`, {
    method: 'PATCH',
    params: { id: rule.id },
    body: { minDurationMs: 0, deadband: 0 },
  });
  expect(patched.status, patched.text).toBe(200);
  expect((await ingest(assetId, temperature)).status).toBe(201);
  await h.handle.services.alerts!.idle();
  const open = (await api(list, `/api/v1/alerts?state=any_open&ruleId=${rule.id}`)).json!.alerts as AlertEvent[];
  expect(open).toHaveLength(1);
  return open[0]!;
}

describe('alarm API (ISA-18.2)', () => {
  it('returned to normal before acknowledgement: listed as rtn_unacked (also by ?state=unacked), streamed, closed by the ack', async () => {
    const alarm = await raise('reactor-1');
    expect(alarm).toMatchObject({ state: 'active_unacked', priority: 'high', severity: 'critical' });
    expect((await ingest('reactor-1', 350)).status).toBe(201);
    await h.handle.services.alerts!.idle();
    const unacked = (await api(list, '/api/v1/alerts?state=unacked', { headers: as.viewer })).json!
      .alerts as AlertEvent[];
    expect(unacked.find((a) => a.id === alarm.id)).toMatchObject({ state: 'rtn_unacked', clearedAt: null });
    await until(
      () => seen.some((e) => e.alert.id === alarm.id && e.alert.state === 'rtn_unacked'),
      5_000,
      'alert:updated rtn_unacked',
    );
    const acked = await api(ack, `/api/v1/alerts/${alarm.id}/ack`, { params: { id: String(alarm.id) }, body: {} });
    expect(acked.status, acked.text).toBe(200);
    expect(acked.json!.alert).toMatchObject({ state: 'normal', acknowledgedBy: 'olivia' });
  });

  it('shelves with a reason up to the admin’s maximum (400 naming durationSeconds beyond), unshelves', async () => {
    const alarm = await raise('reactor-2');
    const id = String(alarm.id);
    const tooLong = await api(shelve, `/api/v1/alerts/${id}/shelve`, {
      params: { id },
      body: { durationSeconds: 8 * 3600 + 1, reason: 'maintenance' },
    });
    expect(tooLong.status).toBe(400);
    expect(fields(tooLong)).toEqual(['durationSeconds']);
    const bad = await api(shelve, `/api/v1/alerts/${id}/shelve`, { params: { id }, body: { durationSeconds: 5 } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['durationSeconds', 'reason']);
    // Admin sets the maximum; operators cannot.
    expect(
      (await api(putSettings, '/api/v1/alarms/settings', { method: 'PUT', body: { maxShelveSeconds: 60 } })).status,
    ).toBe(403);
    const set = await api(putSettings, '/api/v1/alarms/settings', {
      method: 'PUT',
      headers: as.admin,
      body: { maxShelveSeconds: 60 },
    });
    expect(set.json).toEqual({ maxShelveSeconds: 60 });
    expect((await api(getSettings, '/api/v1/alarms/settings', { headers: as.viewer })).json).toEqual({
      maxShelveSeconds: 60,
    });
    const over = await api(shelve, `/api/v1/alerts/${id}/shelve`, {
      params: { id },
      body: { durationSeconds: 61, reason: 'maintenance' },
    });
    expect(fields(over)).toEqual(['durationSeconds']);
    const ok = await api(shelve, `/api/v1/alerts/${id}/shelve`, {
      params: { id },
      body: { durationSeconds: 60, reason: 'maintenance' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json!.alert).toMatchObject({
      state: 'shelved',
      shelf: { kind: 'timed', by: 'olivia', reason: 'maintenance' },
    });
    const open = (await api(list, '/api/v1/alerts?state=open&assetId=reactor-2')).json!.alerts as AlertEvent[];
    expect(open.map((a) => a.id)).not.toContain(alarm.id);
    const shelved = (await api(list, '/api/v1/alerts?state=shelved')).json!.alerts as AlertEvent[];
    expect(shelved.map((a) => a.id)).toContain(alarm.id);
    expect((await api(unshelve, `/api/v1/alerts/${id}/unshelve`, { params: { id }, headers: as.viewer })).status).toBe(
      403,
    );
    const un = await api(unshelve, `/api/v1/alerts/${id}/unshelve`, { params: { id }, body: { comment: 'done' } });
    expect(un.json!.alert).toMatchObject({ state: 'active_acked', shelf: null });
    await api(putSettings, '/api/v1/alarms/settings', {
      method: 'PUT',
      headers: as.admin,
      body: { maxShelveSeconds: 28800 },
    });
  });

  it('an admin takes an asset and a rule out of service and back; operators may not; unknown ones are 404', async () => {
    const alarm = await raise('reactor-3');
    const rule = await ruleFor('reactor-3', 'temperature');
    const refused = await api(assetOos, '/api/v1/assets/reactor-3/out-of-service', {
      params: { id: 'reactor-3' },
      body: { reason: 'turnaround' },
    });
    expect(refused.status).toBe(403);
    const noReason = await api(assetOos, '/api/v1/assets/reactor-3/out-of-service', {
      params: { id: 'reactor-3' },
      headers: as.admin,
      body: {},
    });
    expect(fields(noReason)).toEqual(['reason']);
    const unknown = await api(assetOos, '/api/v1/assets/nowhere/out-of-service', {
      params: { id: 'nowhere' },
      headers: as.admin,
      body: { reason: 'x' },
    });
    expect(unknown.status).toBe(404);
    const out = await api(assetOos, '/api/v1/assets/reactor-3/out-of-service', {
      params: { id: 'reactor-3' },
      headers: as.admin,
      body: { reason: 'turnaround' },
    });
    expect(out.status, out.text).toBe(200);
    expect((out.json!.alarms as AlertEvent[]).map((a) => [a.id, a.state])).toEqual([[alarm.id, 'out_of_service']]);
    const listed = (await api(oosList, '/api/v1/alarms/out-of-service', { headers: as.viewer })).json!;
    expect(listed.entries).toEqual([expect.objectContaining({ scope: 'asset', target: 'reactor-3', by: 'adam' })]);
    expect((listed.alarms as AlertEvent[]).map((a) => a.id)).toEqual([alarm.id]);
    expect(((await api(list, '/api/v1/alerts?state=open&assetId=reactor-3')).json!.alerts as AlertEvent[]).length).toBe(
      0,
    );

    // The rule too; returning the asset keeps the alarm out while the rule is still out.
    const ruleOut = await api(ruleOos, `/api/v1/alert-rules/${rule.id}/out-of-service`, {
      params: { id: rule.id },
      headers: as.admin,
      body: { reason: 'thermocouple fault' },
    });
    expect(ruleOut.status, ruleOut.text).toBe(200);
    // A form-like POST without a JSON body is no return to service.
    const noBody = await api(assetRts, '/api/v1/assets/reactor-3/return-to-service', {
      params: { id: 'reactor-3' },
      headers: as.admin,
    });
    expect(noBody.status).toBeGreaterThanOrEqual(400);
    expect(noBody.status).toBeLessThan(500);
    const assetBack = await api(assetRts, '/api/v1/assets/reactor-3/return-to-service', {
      params: { id: 'reactor-3' },
      headers: as.admin,
      body: {},
    });
    expect(assetBack.json!.alarms).toEqual([]);
    const ruleBack = await api(ruleRts, `/api/v1/alert-rules/${rule.id}/return-to-service`, {
      params: { id: rule.id },
      headers: as.admin,
      body: { comment: 'replaced' },
    });
    expect((ruleBack.json!.alarms as AlertEvent[]).map((a) => [a.id, a.state])).toEqual([[alarm.id, 'active_unacked']]);
    const again = await api(ruleRts, `/api/v1/alert-rules/${rule.id}/return-to-service`, {
      params: { id: rule.id },
      headers: as.admin,
      body: {},
    });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'in_service' } } });
  });

  it('the journal lists every transition with filters and pages, 400 naming a bad field, and streams as CSV', async () => {
    const all = await api(journal, '/api/v1/alarms/journal?limit=1000', { headers: as.viewer });
    expect(all.status).toBe(200);
    const entries = all.json!.entries as JournalEntry[];
    const events = new Set(entries.map((e) => e.event));
    for (const e of [
      'raised',
      'returned',
      'acknowledged',
      'shelved',
      'unshelved',
      'out_of_service',
      'returned_to_service',
    ])
      expect(events, e).toContain(e);
    const shelvedEntry = entries.find((e) => e.event === 'shelved')!;
    expect(shelvedEntry).toMatchObject({
      who: 'olivia',
      comment: 'maintenance',
      stateAfter: 'shelved',
      assetId: 'reactor-2',
    });

    const filtered = await api(
      journal,
      `/api/v1/alarms/journal?asset=reactor-3&event=out_of_service&priority=high&from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${Date.now() + 1000}`,
      { headers: as.viewer },
    );
    const oos = filtered.json!.entries as JournalEntry[];
    // One: when the rule went out too, its alarm already was (by the asset), so that changed nothing.
    expect(oos.length).toBe(1);
    expect(oos.every((e) => e.event === 'out_of_service' && e.assetId === 'reactor-3' && e.who === 'adam')).toBe(true);
    const future = await api(journal, `/api/v1/alarms/journal?from=${Date.now() + 3_600_000}`, { headers: as.viewer });
    expect(future.json!.entries).toEqual([]);

    const page1 = await api(journal, '/api/v1/alarms/journal?limit=2', { headers: as.viewer });
    const cursor = page1.json!.nextCursor as number;
    expect(cursor).toBe((page1.json!.entries as JournalEntry[])[1]!.id);
    const page2 = await api(journal, `/api/v1/alarms/journal?limit=2&cursor=${cursor}`, { headers: as.viewer });
    expect((page2.json!.entries as JournalEntry[]).every((e) => e.id < cursor)).toBe(true);

    const bad = await api(journal, '/api/v1/alarms/journal?priority=extreme&event=exploded&from=yesterday&limit=0', {
      headers: as.viewer,
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['event', 'from', 'limit', 'priority']);

    const csv = await api(journalCsv, '/api/v1/alarms/journal.csv?asset=reactor-2', { headers: as.viewer });
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('at (UTC),event,state_after,priority,asset_id,signal,alarm_id,rule_id,who,comment');
    expect(lines.length - 1).toBe(entries.filter((e) => e.assetId === 'reactor-2').length);
    expect(
      lines.some((l) => /,shelved,shelved,high,reactor-2,temperature,\d+,[0-9a-f-]{36},olivia,maintenance$/.test(l)),
    ).toBe(true);
  });
});
