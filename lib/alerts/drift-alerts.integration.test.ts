/**
 * Drift alerts end to end on the real console (simulator off): readings far from the training
 * distribution come in through ingest, the model manager's drift check feeds the PSI to the alert
 * engine, and the plant's drift alert is raised, stored, broadcast, sent to the webhook, pushed
 * again at its new peak, acknowledged, and cleared once the readings look like training data again.
 * Then a model with another feature is activated at run time and gets its default rules at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as list } from '@/app/api/v1/alerts/route';
import { POST as ack } from '@/app/api/v1/alerts/[id]/ack/route';
import { GET as rules } from '@/app/api/v1/alert-rules/route';
import { PATCH as patchRule } from '@/app/api/v1/alert-rules/[id]/route';
import { POST as activate } from '@/app/api/v1/models/activate/route';
import { POST as telemetry } from '@/app/api/v1/assets/[id]/telemetry/route';
import { startHarness, until, type Harness } from '../../tests/console-harness';
import { SHIPPED_TWIN, twinJson, writePackage } from '../../tests/model-packages';
import { addUser, call, sessionCookie, type CallOptions } from '../api/test-kit';
import { driftSignal, PLANT_ASSET_ID } from './plant-signals';
import type { AlertEvent, AlertRule } from './types';
import type { WebhookPayload } from './webhook';

let h: Harness;
let modelsDir: string;
let hook: Server;
const hooked: WebhookPayload[] = [];
const seen: { kind: 'raised' | 'updated'; alert: AlertEvent }[] = [];
const as: Record<'viewer' | 'operator' | 'admin', Record<string, string>> = { viewer: {}, operator: {}, admin: {} };

const TEMP_DRIFT = driftSignal('temperature');
const ASSETS = ['reactor-1', 'reactor-2', 'reactor-3'];

/** Seeded normal samples (mulberry32 + Box-Muller), so the PSI of "normal" data is reproducible. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const training = Object.fromEntries(
  (SHIPPED_TWIN.features as { name: string; min: number; max: number; training: { mean: number; std: number } }[]).map(
    (f) => [f.name, f],
  ),
);
const clip = (name: string, v: number) => Math.min(training[name]!.max, Math.max(training[name]!.min, v));

const api = (handler: Parameters<typeof call>[1], p: string, opts: CallOptions = {}) =>
  call(h.url, handler, p, { headers: as.operator, ...opts });

/**
 * 1,000 readings over the three reactors (the drift window), pressure and flow as in training,
 * temperature from N(mean, std) (or as in training when not given).
 */
async function ingestWindow(seed: number, temperature?: { mean: number; std: number }) {
  const z = normals(seed);
  const t = temperature ?? training.temperature!.training;
  const now = Date.now();
  for (const [k, assetId] of ASSETS.entries()) {
    const n = k === 0 ? 334 : 333;
    const body = Array.from({ length: n }, (_, i) => ({
      ts: now - (n - i) * 5,
      values: {
        temperature: clip('temperature', t.mean + t.std * z()),
        pressure: clip('pressure', training.pressure!.training.mean + training.pressure!.training.std * z()),
        flow: clip('flow', training.flow!.training.mean + training.flow!.training.std * z()),
      },
    }));
    const res = await api(telemetry, `/api/v1/assets/${assetId}/telemetry`, { params: { id: assetId }, body });
    expect(res.status, res.text).toBe(201);
  }
}

const plantEvents = () => seen.filter((e) => e.alert.assetId === PLANT_ASSET_ID);
const plantHooks = () => hooked.filter((p) => p.alert.assetId === PLANT_ASSET_ID);

async function plantRules(): Promise<AlertRule[]> {
  const res = await api(rules, `/api/v1/alert-rules?assetId=${PLANT_ASSET_ID}`, { headers: as.viewer });
  expect(res.status).toBe(200);
  return res.json!.rules as AlertRule[];
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      hooked.push(JSON.parse(data) as WebhookPayload);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-models-'));
  writePackage(modelsDir, '1.0.0');
  // 2.0.0 calls the first input "jacket_temperature": a model with a feature the console has no rules for yet.
  const features = (SHIPPED_TWIN.features as Record<string, unknown>[]).map((f, i) =>
    i === 0 ? { ...f, name: 'jacket_temperature', label: 'Jacket temperature', aliases: undefined } : f,
  );
  writePackage(modelsDir, '2.0.0', twinJson({ version: '2.0.0', features }));
  h = await startHarness({
    SIMULATOR: 'off',
    MODELS_DIR: modelsDir,
    MODEL: 'reactor-yield/1.0.0',
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  });
  process.env.NEXTAUTH_SECRET = h.secret;
  for (const [name, role] of [
    ['vera', 'viewer'],
    ['olivia', 'operator'],
    ['ada', 'admin'],
  ] as const) {
    await addUser(h.handle.services, name, role);
    as[role] = { cookie: await sessionCookie(h.handle.services, name) };
  }
  const socket = h.client(await h.sessionCookie('vera', 'viewer'));
  socket.on('alert:raised', (alert) => seen.push({ kind: 'raised', alert }));
  socket.on('alert:updated', (alert) => seen.push({ kind: 'updated', alert }));
  await until(() => socket.connected, 5_000, 'socket connected');
});

afterAll(async () => {
  await h?.stop();
  hook?.close();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

describe('drift alerts', () => {
  it('seeds a drift rule per feature of the serving model for the plant', async () => {
    const drift = await plantRules();
    expect(drift.map((r) => r.signal).sort()).toEqual([driftSignal('flow'), driftSignal('pressure'), TEMP_DRIFT]);
    expect(drift.find((r) => r.signal === TEMP_DRIFT)).toMatchObject({
      severity: 'warning',
      low: null,
      high: 0.25,
      deadband: 0.025,
      minDurationMs: 30_000,
      enabled: true,
    });
  });

  it('raises, stores, broadcasts and posts a drift alert for the drifting feature only; pushes its new peak; clears on normal data', async () => {
    // Half a minute of drift is the default; here the first check above the threshold raises.
    const rule = (await plantRules()).find((r) => r.signal === TEMP_DRIFT)!;
    const patched = await api(patchRule, `/api/v1/alert-rules/${rule.id}`, {
      method: 'PATCH',
      params: { id: rule.id },
      body: { minDurationMs: 0 },
    });
    expect(patched.status, patched.text).toBe(200);

    await ingestWindow(1, { mean: 372, std: 12 });
    await until(() => plantEvents().some((e) => e.kind === 'raised'), 12_000, 'a drift alert:raised');
    const raised = plantEvents().find((e) => e.kind === 'raised')!.alert;
    expect(raised).toMatchObject({
      assetId: PLANT_ASSET_ID,
      signal: TEMP_DRIFT,
      severity: 'warning',
      direction: 'high',
      limit: 0.25,
      state: 'active_unacked',
      ruleId: rule.id,
    });
    expect(raised.value).toBeGreaterThan(0.25);
    // The drift report (dashboard, API) agrees.
    const report = h.handle.services.models!.drift()!;
    expect(report.features.find((f) => f.name === 'temperature')!.drifting).toBe(true);
    // Only temperature drifted: pressure and flow are as in training.
    expect(report.features.filter((f) => f.name !== 'temperature').every((f) => f.psi! < 0.2)).toBe(true);

    await h.handle.services.alerts!.idle();
    const open = await api(list, `/api/v1/alerts?state=open&assetId=${PLANT_ASSET_ID}`, { headers: as.viewer });
    expect(open.json!.alerts).toEqual([
      expect.objectContaining({ id: raised.id, signal: TEMP_DRIFT, state: 'active_unacked' }),
    ]);
    await until(() => plantHooks().some((p) => p.event === 'alert.raised'), 5_000, 'webhook alert.raised');
    expect(plantHooks()[0]).toMatchObject({ event: 'alert.raised', alert: { id: raised.id, signal: TEMP_DRIFT } });

    // Further away: a higher PSI is the alert's new peak, pushed to browsers and shown by the API.
    await ingestWindow(2, { mean: 392, std: 3 });
    await until(
      () =>
        plantEvents().some(
          (e) => e.kind === 'updated' && e.alert.state === 'active_unacked' && e.alert.peak > raised.value,
        ),
      12_000,
      'the new peak pushed',
    );
    const peaked = plantEvents().findLast((e) => e.kind === 'updated')!.alert;
    expect(peaked).toMatchObject({ id: raised.id, value: raised.value });
    const listed = await api(list, `/api/v1/alerts?assetId=${PLANT_ASSET_ID}`, { headers: as.viewer });
    expect((listed.json!.alerts as AlertEvent[])[0]!.peak).toBeGreaterThanOrEqual(peaked.peak);
    expect(plantHooks().map((p) => p.event)).toEqual(['alert.raised']);

    const acked = await api(ack, `/api/v1/alerts/${raised.id}/ack`, {
      params: { id: String(raised.id) },
      body: { comment: 'new sensor batch' },
    });
    expect(acked.status, acked.text).toBe(200);
    expect(acked.json!.alert).toMatchObject({ state: 'active_acked', acknowledgedBy: 'olivia', signal: TEMP_DRIFT });
    expect((await h.handle.services.repos.audit.list({ action: 'alert.acknowledge' }))[0]).toMatchObject({
      actor: 'olivia',
      target: `alert ${raised.id}`,
    });

    // Back to readings like the training data: the PSI falls under the threshold and the alert clears.
    await ingestWindow(3);
    await until(
      () => plantEvents().some((e) => e.kind === 'updated' && e.alert.state === 'normal'),
      12_000,
      'the drift alert cleared',
    );
    const cleared = plantEvents().find((e) => e.alert.state === 'normal')!.alert;
    expect(cleared).toMatchObject({ id: raised.id, acknowledgedBy: 'olivia', ackComment: 'new sensor batch' });
    expect(cleared.peak).toBeGreaterThanOrEqual(peaked.peak);
    expect(h.handle.services.models!.drift()!.features.every((f) => f.psi! < 0.25)).toBe(true);
    await h.handle.services.alerts!.idle();
    const stored = await api(list, `/api/v1/alerts?assetId=${PLANT_ASSET_ID}`, { headers: as.viewer });
    expect(stored.json!.alerts).toEqual([
      expect.objectContaining({ id: raised.id, state: 'normal', peak: cleared.peak }),
    ]);
    await until(() => plantHooks().some((p) => p.event === 'alert.cleared'), 5_000, 'webhook alert.cleared');
    expect(plantHooks().map((p) => p.event)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.cleared']);
    // Exactly one drift alert in all of this, and nothing for the features that did not drift.
    expect(new Set(plantEvents().map((e) => e.alert.id))).toEqual(new Set([raised.id]));
  }, 60_000);

  it('gives a model activated at run time default rules for its new signals at once (sensor, drift)', async () => {
    const before = h.handle.services.alerts!.rules().length;
    const res = await call(h.url, activate, '/api/v1/models/activate', {
      headers: as.admin,
      body: { name: 'reactor-yield', version: '2.0.0' },
    });
    expect(res.status, res.text).toBe(200);
    await until(
      () => h.handle.services.alerts!.rules().some((r) => r.signal === driftSignal('jacket_temperature')),
      5_000,
      'rules for the new feature',
    );
    const engine = h.handle.services.alerts!.rules();
    expect(engine.length).toBe(before + ASSETS.length + 1);
    for (const assetId of ASSETS)
      expect(engine).toContainEqual(
        expect.objectContaining({ assetId, signal: 'jacket_temperature', severity: 'critical', low: 300, high: 400 }),
      );
    expect((await plantRules()).map((r) => r.signal)).toContain(driftSignal('jacket_temperature'));
    // The engine evaluates them right away: a reading of the new feature outside its range raises.
    const rule = engine.find((r) => r.assetId === 'reactor-2' && r.signal === 'jacket_temperature')!;
    expect(
      (
        await api(patchRule, `/api/v1/alert-rules/${rule.id}`, {
          method: 'PATCH',
          params: { id: rule.id },
          body: { minDurationMs: 0 },
        })
      ).status,
    ).toBe(200);
    const sent = await api(telemetry, '/api/v1/assets/reactor-2/telemetry', {
      params: { id: 'reactor-2' },
      body: { values: { jacket_temperature: 420, pressure: 5, flow: 100 } },
    });
    expect(sent.status, sent.text).toBe(201);
    await until(
      () => seen.some((e) => e.kind === 'raised' && e.alert.ruleId === rule.id),
      5_000,
      'an alert of the new rule',
    );
  }, 30_000);
});
