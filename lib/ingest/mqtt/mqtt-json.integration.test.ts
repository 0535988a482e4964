/**
 * MQTT JSON ingest against the machine's real Mosquitto (127.0.0.1:1883) and the real console
 * (PGlite, pipeline, socket.io). Every test has its own topic prefix and client id, so parallel
 * runs and the broker's persisted sessions of earlier runs never mix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, subscribe, until, type Harness } from '../../../tests/console-harness';
import { metricsRegistry } from '../../metrics';
import { NotStoredError } from '../group-commit';
import type { Point } from '../../twin/types';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

function unique() {
  const id = randomBytes(5).toString('hex');
  return { prefix: `twinops-test/${id}`, clientId: `twinops-test-${id}` };
}

async function consoleWith(ids: { prefix: string; clientId: string }, dataDir?: string): Promise<Harness> {
  const h = await startHarness(
    {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SIMULATOR: 'off',
      MQTT_URL: BROKER,
      MQTT_TOPIC_PREFIX: ids.prefix,
      MQTT_CLIENT_ID: ids.clientId,
    },
    dataDir,
  );
  await h.handle.services.plant!.ready();
  return h;
}

async function publisher(): Promise<MqttClient> {
  const c = await mqtt.connectAsync(BROKER, { clientId: `pub-${randomBytes(5).toString('hex')}`, reconnectPeriod: 0 });
  cleanups.push(() => c.endAsync());
  return c;
}

/** Removes the broker's persisted session of a test's console client (session expiry is a day). */
async function dropSession(clientId: string) {
  const c = await mqtt.connectAsync(BROKER, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await c.endAsync();
}

const reading = (ts: number, temperature = 350) => ({ ts, values: { temperature, pressure: 6, flow: 100 } });
const count = (h: Harness, asset = 'reactor-1') => h.handle.services.repos.telemetry.count(asset);

async function rejected(source: string, reason: string): Promise<number> {
  const metric = (await metricsRegistry().getMetricsAsJSON()).find((m) => m.name === 'twinops_ingest_rejected_total');
  const v = metric?.values.find((x) => x.labels.source === source && x.labels.reason === reason);
  return v?.value ?? 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('MQTT JSON ingest', () => {
  it('stores readings published on <prefix>/<asset>/telemetry and streams them to a subscribed client', async () => {
    const ids = unique();
    const h = await consoleWith(ids);
    cleanups.push(
      () => dropSession(ids.clientId),
      () => h.stop(),
    );
    const socket = h.client(await h.sessionCookie('olivia', 'viewer'));
    await subscribe(socket, { assetId: 'reactor-2' });
    const points: Point[] = [];
    socket.on('stream:points', (m) => m.assetId === 'reactor-2' && points.push(...m.points));

    const pub = await publisher();
    const t0 = Date.now() - 5_000;
    await pub.publishAsync(`${ids.prefix}/reactor-2/telemetry`, JSON.stringify(reading(t0, 351)), { qos: 1 });
    // An array in one message: one commit, one PUBACK.
    const batch = [1, 2, 3].map((i) => reading(t0 + i, 351 + i));
    await pub.publishAsync(`${ids.prefix}/reactor-2/telemetry`, JSON.stringify(batch), { qos: 1 });

    await eventually(async () => (await count(h, 'reactor-2')) === 4, 10_000, 'four stored readings');
    await until(() => points.length === 4, 5_000, 'four streamed points');
    expect(points.map((p) => p.values.temperature)).toEqual([351, 352, 353, 354]);
    expect(points.map((p) => p.ts)).toEqual([t0, t0 + 1, t0 + 2, t0 + 3]);
    expect(points[0]!.flags).toContain('ingested');
    expect(points[0]!.prediction).toBeGreaterThan(60);
    const status = h.handle.services.ingestStatus!.report();
    expect(status.mqtt).toMatchObject({ enabled: true, connected: true, clientId: ids.clientId });
    expect(status.assets.find((a) => a.assetId === 'reactor-2')?.lastAccepted?.source).toBe('mqtt');
  });

  it('loses none of the messages published while the console was stopped (persistent session)', async () => {
    const ids = unique();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twinops-mqtt-restart-'));
    cleanups.push(
      async () => rmSync(dataDir, { recursive: true, force: true }),
      () => dropSession(ids.clientId),
    );
    const pub = await publisher();
    const topic = `${ids.prefix}/reactor-1/telemetry`;
    const t0 = Date.now() - 60_000;
    let sent = 0;
    const publish = async (n: number) => {
      for (let i = 0; i < n; i++, sent++)
        await pub.publishAsync(topic, JSON.stringify(reading(t0 + sent * 10)), { qos: 1 });
    };

    let h = await consoleWith(ids, dataDir);
    await publish(40);
    // Stopped mid-stream: some of the 40 may still be waiting for their commit.
    await h.stop();
    await publish(60);
    h = await consoleWith(ids, dataDir);
    cleanups.push(() => h.stop());
    await publish(20);
    await eventually(async () => (await count(h)) === 120, 20_000, 'all 120 readings stored');
    // Nothing extra either (a redelivered message is stored once).
    await new Promise((r) => setTimeout(r, 300));
    expect(await count(h)).toBe(120);
  });

  it('refuses each kind of bad payload (counted, last error kept), acknowledges it and keeps storing good messages', async () => {
    const ids = unique();
    const h = await consoleWith(ids);
    cleanups.push(
      () => dropSession(ids.clientId),
      () => h.stop(),
    );
    const pub = await publisher();
    const t0 = Date.now() - 30_000;
    const bad: [string, string | Buffer, string][] = [
      ['reactor-1', '{"values": {', 'not_json'],
      ['reactor-1', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), 'not_json'],
      ['reactor-9', JSON.stringify(reading(t0)), 'unknown_asset'],
      ['reactor-1', JSON.stringify({ ts: t0, values: { temperature: 'hot', pressure: 6, flow: 100 } }), 'bad_field'],
      ['reactor-1', JSON.stringify({ ts: t0, values: { temperature: 350, pressure: 6 } }), 'bad_field'],
      ['reactor-1', JSON.stringify([]), 'bad_field'],
      ['reactor-1', JSON.stringify(reading(Date.now() + 3_600_000)), 'future_ts'],
    ];
    const before = new Map<string, number>();
    for (const [, , reason] of bad) before.set(reason, await rejected('mqtt', reason));
    let good = 0;
    for (const [asset, payload, _reason] of bad) {
      await pub.publishAsync(`${ids.prefix}/${asset}/telemetry`, payload, { qos: 1 });
      // A good message after each bad one: the bad ones never stop the flow.
      await pub.publishAsync(`${ids.prefix}/reactor-1/telemetry`, JSON.stringify(reading(t0 + ++good)), { qos: 1 });
    }
    await eventually(async () => (await count(h)) === bad.length, 10_000, 'every good message stored');
    const expected = new Map<string, number>();
    for (const [, , reason] of bad) expected.set(reason, (expected.get(reason) ?? 0) + 1);
    for (const [reason, n] of expected) expect(await rejected('mqtt', reason), reason).toBe(before.get(reason)! + n);

    const status = h.handle.services.ingestStatus!.report();
    const r1 = status.assets.find((a) => a.assetId === 'reactor-1')!;
    expect(r1.rejected).toBe(bad.length - 1);
    expect(r1.lastError).toMatchObject({
      source: 'mqtt',
      reason: 'future_ts',
      topic: `${ids.prefix}/reactor-1/telemetry`,
      message: expect.stringContaining('future'),
    });
    // The unknown asset has no entry of its own, but is among the recent refusals.
    expect(status.assets.find((a) => a.assetId === 'reactor-9')).toBeUndefined();
    expect(status.recentRejections.map((r) => r.reason)).toContain('unknown_asset');
    expect(status.recentRejections.map((r) => r.message)).toContainEqual(expect.stringContaining('values.temperature'));
  });

  it('commits a burst of messages together, in order, and a bad message among them loses none of the good ones', async () => {
    const ids = unique();
    const h = await consoleWith(ids);
    cleanups.push(
      () => dropSession(ids.clientId),
      () => h.stop(),
    );
    const socket = h.client(await h.sessionCookie('olivia', 'viewer'));
    await subscribe(socket, { assetId: 'reactor-1' });
    const points: Point[] = [];
    socket.on('stream:points', (m) => m.assetId === 'reactor-1' && points.push(...m.points));
    const twin = h.handle.services.twin!;
    const telemetry = h.handle.services.repos.telemetry;
    // The first transaction is held until every good message was queued behind it: with one
    // commit per message (the next message read only after the previous one's PUBACK) they never
    // would be, and nothing would be stored.
    const GOOD = 40;
    const submits = vi.spyOn(twin.commits, 'submit');
    const insertNew = telemetry.insertNew.bind(telemetry);
    const transactions = vi.spyOn(telemetry, 'insertNew').mockImplementation(async (rows) => {
      await until(() => submits.mock.calls.length >= GOOD, 20_000, 'every good message queued for a commit');
      return insertNew(rows);
    });
    const before = {
      not_json: await rejected('mqtt', 'not_json'),
      unknown_asset: await rejected('mqtt', 'unknown_asset'),
    };

    const pub = await publisher();
    const t0 = Date.now() - 60_000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < GOOD; i++) {
      sends.push(
        pub.publishAsync(`${ids.prefix}/reactor-1/telemetry`, JSON.stringify(reading(t0 + i, 340 + i)), { qos: 1 }),
      );
      if (i % 10 === 5) {
        sends.push(pub.publishAsync(`${ids.prefix}/reactor-1/telemetry`, '{"ts": ', { qos: 1 }));
        sends.push(pub.publishAsync(`${ids.prefix}/reactor-9/telemetry`, JSON.stringify(reading(t0 + i)), { qos: 1 }));
      }
    }
    await Promise.all(sends);

    await eventually(async () => (await count(h)) === GOOD, 30_000, 'every good message stored');
    // The held transaction and one more for everything queued behind it.
    expect(transactions.mock.calls.length).toBeLessThanOrEqual(2);
    expect(await rejected('mqtt', 'not_json')).toBe(before.not_json + 4);
    expect(await rejected('mqtt', 'unknown_asset')).toBe(before.unknown_asset + 4);
    // Streamed in the order published (time order), none late.
    await until(() => points.length === GOOD, 5_000, 'every reading streamed');
    expect(points.map((p) => p.ts)).toEqual(Array.from({ length: GOOD }, (_, i) => t0 + i));
  });

  it('withholds the PUBACK when the commit fails, so the broker delivers the message again', async () => {
    const ids = unique();
    const h = await consoleWith(ids);
    cleanups.push(
      () => dropSession(ids.clientId),
      () => h.stop(),
    );
    const twin = h.handle.services.twin!;
    // The durable ingest's seam: the first transaction fails as if the database were gone.
    const submit = vi
      .spyOn(twin.commits, 'submit')
      .mockRejectedValueOnce(new NotStoredError(new Error('connection terminated')));
    const pub = await publisher();
    const ts = Date.now() - 10_000;
    await pub.publishAsync(`${ids.prefix}/reactor-3/telemetry`, JSON.stringify(reading(ts, 357)), { qos: 1 });
    await eventually(async () => (await count(h, 'reactor-3')) === 1, 15_000, 'the redelivered reading stored');
    // Tried twice: refused by the failing commit, then delivered again by the broker.
    expect(submit).toHaveBeenCalledTimes(2);
    expect(h.handle.services.ingestStatus!.report().mqtt.lastError).toContain('not stored');
    await h.handle.services.plant!.ready();
    await eventually(async () => h.handle.services.ingestStatus!.report().mqtt.connected, 5_000, 'reconnected');
  });

  it('backs off while commits keep failing, and leaves the unacknowledged message at the broker when it stops', async () => {
    const ids = unique();
    const h = await consoleWith(ids);
    cleanups.push(() => dropSession(ids.clientId));
    const twin = h.handle.services.twin!;
    const submit = vi.spyOn(twin.commits, 'submit').mockRejectedValue(new NotStoredError(new Error('database down')));
    const pub = await publisher();
    const payload = JSON.stringify(reading(Date.now() - 10_000, 358));
    await pub.publishAsync(`${ids.prefix}/reactor-1/telemetry`, payload, { qos: 1 });
    await eventually(async () => submit.mock.calls.length > 0, 5_000, 'a commit attempt');
    // While the database stays down the broker sends it again after each reconnect, with growing
    // delays (~1 s, ~2 s, ~4 s): about three attempts in 4.5 s, not one every half second.
    await new Promise((r) => setTimeout(r, 4_500));
    expect(submit.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(submit.mock.calls.length).toBeLessThanOrEqual(4);
    await h.stop();
    // Whoever takes the session next gets the message: it was never acknowledged.
    const next = mqtt.connect(BROKER, {
      clientId: ids.clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 60 },
      reconnectPeriod: 0,
    });
    cleanups.push(() => next.endAsync());
    // Listening before the CONNACK: the broker resends the message right after it.
    const got = await new Promise<string>((resolve, reject) => {
      next.on('message', (_t, m) => resolve(m.toString()));
      setTimeout(() => reject(new Error('the broker had no message for the session')), 5_000);
    });
    expect(got).toBe(payload);
  });
});
