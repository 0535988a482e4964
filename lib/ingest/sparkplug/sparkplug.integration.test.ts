/**
 * Sparkplug B against the machine's real Mosquitto and the real console: a test edge node
 * (an MQTT client encoding with sparkplug-payload) publishes births and data. Each test has
 * its own group and console client id.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../../../tests/console-harness';
import { metricsRegistry } from '../../metrics';
import { NotStoredError } from '../group-commit';
import { decodeSparkplug, encodeSparkplug } from './sparkplug-codec';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function consoleFor(group: string, bindings = ''): Promise<Harness> {
  const clientId = `twinops-test-${randomBytes(5).toString('hex')}`;
  const h = await startHarness({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SIMULATOR: 'off',
    MQTT_URL: BROKER,
    MQTT_CLIENT_ID: clientId,
    MQTT_TOPIC_PREFIX: `twinops-test/${clientId}`,
    SPARKPLUG_GROUPS: `other-${group},${group}`,
    SPARKPLUG_BINDINGS: bindings,
  });
  cleanups.push(async () => {
    await h.stop();
    // Drop the console's persisted session at the broker.
    const c = await mqtt.connectAsync(BROKER, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
    await c.endAsync();
  });
  await h.handle.services.plant!.ready();
  return h;
}

/** A Sparkplug B edge node for tests: numbered messages, its own NCMD subscription. */
async function edgeNode(group: string, edge: string) {
  const client: MqttClient = await mqtt.connectAsync(BROKER, {
    clientId: `edge-${randomBytes(5).toString('hex')}`,
    reconnectPeriod: 0,
  });
  cleanups.push(() => client.endAsync());
  const commands: { topic: string; metrics: { name: string | null; value: unknown }[] }[] = [];
  client.on('message', (topic, payload) => commands.push({ topic, metrics: decodeSparkplug(payload).metrics }));
  await client.subscribeAsync(`spBv1.0/${group}/NCMD/${edge}`, { qos: 0 });
  let seq = 0;
  const send = (
    type: string,
    device: string | null,
    metrics: Parameters<typeof encodeSparkplug>[0]['metrics'],
    ts = Date.now(),
  ) =>
    client.publishAsync(
      `spBv1.0/${group}/${type}/${edge}${device ? `/${device}` : ''}`,
      encodeSparkplug({ timestamp: ts, ...(type === 'NDEATH' ? {} : { seq: seq++ % 256 }), metrics }),
      { qos: 1 },
    );
  return {
    client,
    commands,
    nbirth: () => {
      seq = 0;
      return send('NBIRTH', null, [
        { name: 'bdSeq', type: 'Int64', value: 1 },
        { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      ]);
    },
    dbirth: (device: string, t: number, p: number, f: number) =>
      send('DBIRTH', device, [
        { name: 'Reactor/temperature', alias: 11, type: 'Double', value: t },
        { name: 'Reactor/pressure', alias: 12, type: 'Float', value: p },
        { name: 'Reactor/flow', alias: 13, type: 'Double', value: f },
        { name: 'Status/mode', alias: 14, type: 'String', value: 'auto' },
      ]),
    ddata: (device: string, metrics: Parameters<typeof encodeSparkplug>[0]['metrics'], ts?: number) =>
      send('DDATA', device, metrics, ts),
    ddeath: (device: string) => send('DDEATH', device, []),
    ndeath: () => send('NDEATH', null, [{ name: 'bdSeq', type: 'Int64', value: 1 }]),
    raw: (topic: string, bytes: Buffer) => client.publishAsync(topic, bytes, { qos: 1 }),
  };
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition') {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejected(reason: string): Promise<number> {
  const metric = (await metricsRegistry().getMetricsAsJSON()).find((m) => m.name === 'twinops_ingest_rejected_total');
  return metric?.values.find((v) => v.labels.source === 'sparkplug' && v.labels.reason === reason)?.value ?? 0;
}

const group = () => `twinops-test-${randomBytes(4).toString('hex')}`;

describe('Sparkplug B ingest', () => {
  it('stores DDATA after the births: aliases from DBIRTH, unchanged metrics carried over, bound asset', async () => {
    const g = group();
    const h = await consoleFor(g, `${g}/gw1/R-101=reactor-2`);
    // SPARKPLUG_BINDINGS seeded the registry (the admin sees and changes it there).
    expect(h.handle.services.assets.get('reactor-2')!.sparkplug).toEqual({ group: g, edge: 'gw1', device: 'R-101' });
    const node = await edgeNode(g, 'gw1');
    const repo = h.handle.services.repos.telemetry;
    await node.nbirth();
    await node.dbirth('R-101', 350, 6, 100);
    const t0 = Date.now() - 2_000;
    // Report by exception: only the changed metric, by alias.
    await node.ddata('R-101', [{ alias: 11, type: 'Double', value: 352.5 }], t0);
    await node.ddata('R-101', [{ alias: 13, type: 'Double', value: 97 }], t0 + 100);
    await eventually(async () => (await repo.count('reactor-2')) === 2, 10_000, 'two stored readings');
    const stream = h.handle.services.twin!.pipeline.stream('reactor-2')!;
    expect(stream.latest()).toMatchObject({ ts: t0 + 100, values: { temperature: 352.5, pressure: 6, flow: 97 } });
    const status = h.handle.services.ingestStatus!.asset('reactor-2')!;
    expect(status.sparkplug).toMatchObject({ group: g, edge: 'gw1', device: 'R-101', online: true });
    expect(status.lastAccepted?.source).toBe('sparkplug');

    // DDEATH, then NDEATH: the asset's source is offline.
    await node.ddeath('R-101');
    await eventually(() => h.handle.services.ingestStatus!.asset('reactor-2')!.sparkplug?.online === false);
    expect(h.handle.services.ingestStatus!.asset('reactor-2')!.sparkplug?.reason).toBe('DDEATH');
    await node.dbirth('R-101', 352, 6, 97);
    await eventually(() => h.handle.services.ingestStatus!.asset('reactor-2')!.sparkplug?.online === true);
    await node.ndeath();
    await eventually(() => h.handle.services.ingestStatus!.asset('reactor-2')!.sparkplug?.reason === 'NDEATH');
  });

  it('follows a binding changed in the registry live: the node is asked for a rebirth, then the device feeds the new asset', async () => {
    const g = group();
    const h = await consoleFor(g);
    const { assets, repos } = h.handle.services;
    const admin = { username: 'admin' };
    const device = { group: g, edge: 'gw5', device: 'FT-1' };
    await assets.create({ id: 'line-a', name: 'Line A', sparkplug: device }, admin);
    await assets.create({ id: 'line-b', name: 'Line B' }, admin);
    const node = await edgeNode(g, 'gw5');
    await node.nbirth();
    await node.dbirth('FT-1', 350, 6, 100);
    await node.ddata('FT-1', [{ alias: 11, type: 'Double', value: 351 }], Date.now() - 3_000);
    await eventually(async () => (await repos.telemetry.count('line-a')) === 1, 10_000, 'line-a fed by FT-1');
    expect(node.commands).toHaveLength(0);

    // The admin moves the device to line-b: no restart, no data needed to notice.
    await assets.update('line-a', { sparkplug: null }, admin);
    await assets.update('line-b', { sparkplug: device }, admin);
    await eventually(() => node.commands.length > 0, 5_000, 'an NCMD rebirth request after the rebind');
    expect(node.commands[0]).toEqual({
      topic: `spBv1.0/${g}/NCMD/gw5`,
      metrics: [expect.objectContaining({ name: 'Node Control/Rebirth', value: true })],
    });
    // The node answers with its births; its next data go to line-b, read with the births' values.
    await node.nbirth();
    await node.dbirth('FT-1', 340, 5, 90);
    await node.ddata('FT-1', [{ alias: 13, type: 'Double', value: 95 }], Date.now() - 2_000);
    await eventually(async () => (await repos.telemetry.count('line-b')) === 1, 10_000, 'line-b fed by FT-1');
    expect(h.handle.services.twin.pipeline.stream('line-b')!.latest()).toMatchObject({
      values: { temperature: 340, pressure: 5, flow: 95 },
    });
    expect(await repos.telemetry.count('line-a')).toBe(1);
    expect(h.handle.services.ingestStatus!.asset('line-b')!.sparkplug).toMatchObject({ device: 'FT-1', online: true });
    // line-a lost its source: its Sparkplug state says so.
    expect(h.handle.services.ingestStatus!.asset('line-a')!.sparkplug).toMatchObject({
      online: false,
      reason: 'binding changed',
    });
  });

  it('answers DDATA before its birth with an NCMD rebirth request, stores nothing, then accepts data after the rebirth', async () => {
    const g = group();
    const h = await consoleFor(g);
    const node = await edgeNode(g, 'gw2');
    const repo = h.handle.services.repos.telemetry;
    const before = await rejected('no_birth');
    // The console never saw this node's births (say it started after them).
    await node.ddata('reactor-1', [{ alias: 11, type: 'Double', value: 351 }]);
    await eventually(() => node.commands.length > 0, 10_000, 'an NCMD');
    expect(node.commands[0]).toEqual({
      topic: `spBv1.0/${g}/NCMD/gw2`,
      metrics: [expect.objectContaining({ name: 'Node Control/Rebirth', value: true })],
    });
    expect(await rejected('no_birth')).toBe(before + 1);
    expect(await repo.count('reactor-1')).toBe(0);
    // The node answers with its births; its data is then understood.
    await node.nbirth();
    await node.dbirth('reactor-1', 350, 6, 100);
    await node.ddata('reactor-1', [{ alias: 11, type: 'Double', value: 351 }], Date.now() - 1_000);
    await eventually(async () => (await repo.count('reactor-1')) === 1, 10_000, 'the reading after the rebirth');
  });

  it('asks for a rebirth on a sequence gap and keeps other messages flowing', async () => {
    const g = group();
    const h = await consoleFor(g);
    const node = await edgeNode(g, 'gw3');
    const repo = h.handle.services.repos.telemetry;
    await node.nbirth();
    await node.dbirth('reactor-3', 350, 6, 100);
    const gapsBefore = await rejected('seq_gap');
    // A lost message: the node's next seq skips one.
    await node.raw(
      `spBv1.0/${g}/DDATA/gw3/reactor-3`,
      encodeSparkplug({
        timestamp: Date.now(),
        seq: 9,
        metrics: [{ name: 'Reactor/temperature', type: 'Double', value: 1 }],
      }),
    );
    await eventually(() => node.commands.length > 0, 10_000, 'an NCMD after the gap');
    expect(await rejected('seq_gap')).toBe(gapsBefore + 1);
    expect(h.handle.services.ingestStatus!.asset('reactor-3')!.sparkplug).toMatchObject({ online: false });
    await node.nbirth();
    await node.dbirth('reactor-3', 350, 6, 100);
    await node.ddata('reactor-3', [{ alias: 12, type: 'Float', value: 6.5 }], Date.now() - 500);
    await eventually(async () => (await repo.count('reactor-3')) === 1, 10_000, 'data after the rebirth');
  });

  it('takes back the session state of messages not acknowledged after a failed commit: redelivered, all stored, no gap', async () => {
    const g = group();
    const h = await consoleFor(g);
    const node = await edgeNode(g, 'gw5');
    const repo = h.handle.services.repos.telemetry;
    await node.nbirth();
    await node.dbirth('reactor-2', 350, 6, 100);
    await eventually(() => h.handle.services.ingestStatus!.asset('reactor-2')?.sparkplug?.online === true);
    const gaps = await rejected('seq_gap');
    // The first DDATA's commit fails, after the two behind it were queued (their seq applied).
    const submit = vi.spyOn(h.handle.services.twin!.commits, 'submit');
    submit.mockImplementationOnce(async () => {
      await eventually(() => submit.mock.calls.length >= 3, 10_000, 'the next two DDATA queued');
      throw new NotStoredError(new Error('connection terminated'));
    });
    const t0 = Date.now() - 5_000;
    await Promise.all([
      node.ddata('reactor-2', [{ alias: 11, type: 'Double', value: 351 }], t0),
      node.ddata('reactor-2', [{ alias: 11, type: 'Double', value: 352 }], t0 + 100),
      node.ddata('reactor-2', [{ alias: 11, type: 'Double', value: 353 }], t0 + 200),
    ]);
    // None was acknowledged (PUBACKs in order, the first failed): the broker sends all three
    // again, and the first must find the node's sequence where it was.
    await eventually(async () => (await repo.count('reactor-2')) === 3, 20_000, 'all three readings stored');
    expect(submit.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(await rejected('seq_gap')).toBe(gaps);
    expect(node.commands).toEqual([]);
  });

  it('refuses an undecodable payload and an unknown device (counted, acknowledged) without stopping good data', async () => {
    const g = group();
    const h = await consoleFor(g);
    const node = await edgeNode(g, 'gw4');
    const repo = h.handle.services.repos.telemetry;
    const undecodable = await rejected('undecodable');
    const unknown = await rejected('unknown_asset');
    await node.nbirth();
    await node.dbirth('reactor-1', 350, 6, 100);
    await node.raw(`spBv1.0/${g}/DDATA/gw4/reactor-1`, Buffer.from('{"temperature": 351}'));
    await node.dbirth('pump-7', 1, 2, 3);
    await node.ddata('pump-7', [{ alias: 11, type: 'Double', value: 2 }]);
    await node.ddata('reactor-1', [{ alias: 11, type: 'Double', value: 353 }], Date.now() - 500);
    await eventually(async () => (await repo.count('reactor-1')) === 1, 10_000, 'the good reading');
    expect(await rejected('undecodable')).toBe(undecodable + 1);
    expect(await rejected('unknown_asset')).toBe(unknown + 1);
    const last = h.handle.services.ingestStatus!.asset('reactor-1')!.lastError;
    expect(last).toMatchObject({
      source: 'sparkplug',
      reason: 'undecodable',
      topic: `spBv1.0/${g}/DDATA/gw4/reactor-1`,
    });
    expect(h.handle.services.ingestStatus!.report().mqtt.subscriptions).toContain(`spBv1.0/${g}/+/+/+`);
  });
});
