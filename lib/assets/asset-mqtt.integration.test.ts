/**
 * Tag mapping and unit conversion over the plant protocols (issue 15), against the machine's
 * real Mosquitto and the real console: an asset registered with source tags and conversions
 * (degF -> degC, psi -> bar) receives MQTT JSON and Sparkplug B readings keyed by those tags,
 * and stores them converted, with its extra signal; an unknown signal is refused and counted.
 * Each test run has its own topic prefix, Sparkplug group and client ids.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../tests/console-harness';
import { encodeSparkplug } from '../ingest/sparkplug/sparkplug-codec';
import { metricsRegistry } from '../metrics';
import { createAssetSchema } from './schemas';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PSI_TO_BAR = 0.0689476;
const F_TO_C = { scale: 5 / 9, offset: -160 / 9 };

let h: Harness;
let pub: mqtt.MqttClient;
const id = randomBytes(5).toString('hex');
const prefix = `twinops-test/${id}`;
const group = `twinops-test-${id}`;
const clientId = `twinops-test-${id}`;

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejected(source: string, reason: string): Promise<number> {
  const metric = (await metricsRegistry().getMetricsAsJSON()).find((m) => m.name === 'twinops_ingest_rejected_total');
  return metric?.values.find((v) => v.labels.source === source && v.labels.reason === reason)?.value ?? 0;
}

async function stored(assetId: string) {
  const rows = [];
  for await (const page of h.handle.services.repos.history.exportRows(assetId, 0, Date.now() + 60_000))
    rows.push(...page);
  return rows;
}

/** Registers an asset the way the API does (same schema, same service). */
const register = (body: Record<string, unknown>) =>
  h.handle.services.assets!.create(createAssetSchema.parse(body), { username: 'admin' });

beforeAll(async () => {
  h = await startHarness({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SIMULATOR: 'off',
    MQTT_URL: BROKER,
    MQTT_CLIENT_ID: clientId,
    MQTT_TOPIC_PREFIX: prefix,
    SPARKPLUG_GROUPS: group,
  });
  await h.handle.services.plant!.ready();
  pub = await mqtt.connectAsync(BROKER, { clientId: `pub-${id}`, reconnectPeriod: 0 });
}, 120_000);
afterAll(async () => {
  await pub?.endAsync();
  await h?.stop();
  // Drop the console's persisted session at the broker.
  const c = await mqtt.connectAsync(BROKER, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await c.endAsync();
});

describe('tag mapping and unit conversion', () => {
  it('MQTT JSON: values keyed by source tags are stored under the signal names, converted', async () => {
    await register({
      id: 'r-201',
      name: 'R-201',
      path: 'Ludwigshafen/Ammonia/R-201',
      signals: [
        { name: 'temperature', tag: 'TI-201.PV', ...F_TO_C },
        { name: 'pressure', tag: 'PI-201.PV', scale: PSI_TO_BAR },
        { name: 'level', label: 'Level', unit: '%', min: 0, max: 100, tag: 'LI-201.PV' },
      ],
    });
    const ts = Date.now() - 5_000;
    await pub.publishAsync(
      `${prefix}/r-201/telemetry`,
      JSON.stringify({ ts, values: { 'TI-201.PV': 662, 'PI-201.PV': 87.0226, flow: 100, 'LI-201.PV': 42 } }),
      { qos: 1 },
    );
    await eventually(async () => (await h.handle.services.repos.telemetry.count('r-201')) === 1, 10_000, 'stored');
    const [row] = await stored('r-201');
    expect(row!.ts).toBe(ts);
    expect(row!.values.temperature).toBeCloseTo(350, 6);
    expect(row!.values.pressure).toBeCloseTo(6, 3);
    expect(row!.values).toMatchObject({ flow: 100, level: 42 });
    expect(Object.keys(row!.values).sort()).toEqual(['flow', 'level', 'pressure', 'temperature']);
    // Converted into the model's range, so it was scored.
    expect(row!.prediction).not.toBeNull();

    // An unknown signal and an extra signal out of its range are refused, counted, not stored.
    const before = await rejected('mqtt', 'bad_field');
    await pub.publishAsync(
      `${prefix}/r-201/telemetry`,
      JSON.stringify({ ts: ts + 1_000, values: { temperature: 350, pressure: 6, flow: 100, 'XI-9.PV': 1 } }),
      { qos: 1 },
    );
    await pub.publishAsync(
      `${prefix}/r-201/telemetry`,
      JSON.stringify({ ts: ts + 2_000, values: { temperature: 350, pressure: 6, flow: 100, 'LI-201.PV': 130 } }),
      { qos: 1 },
    );
    await eventually(async () => (await rejected('mqtt', 'bad_field')) === before + 2, 10_000, 'two refusals');
    const status = h.handle.services.ingestStatus!.report().assets.find((a) => a.assetId === 'r-201');
    expect(status?.lastError?.message).toMatch(/values\.LI-201\.PV: .*outside level/);
    expect(await h.handle.services.repos.telemetry.count('r-201')).toBe(1);
  });

  it('Sparkplug B: metrics named by tag map to signals and are converted; the extra signal rides along', async () => {
    await register({
      id: 'r-202',
      name: 'R-202',
      signals: [
        { name: 'temperature', tag: 'TI-202.PV', ...F_TO_C },
        { name: 'level', label: 'Level', unit: '%', min: 0, max: 100, tag: 'LI-202.PV' },
      ],
    });
    let seq = 0;
    const send = (type: string, device: string | null, metrics: Parameters<typeof encodeSparkplug>[0]['metrics']) =>
      pub.publishAsync(
        `spBv1.0/${group}/${type}/gw1${device ? `/${device}` : ''}`,
        encodeSparkplug({ timestamp: Date.now(), seq: seq++ % 256, metrics }),
        { qos: 1 },
      );
    await send('NBIRTH', null, [{ name: 'bdSeq', type: 'Int64', value: 1 }]);
    // The device is named after the asset (no binding needed); metrics by tag, by folder path, by name.
    await send('DBIRTH', 'r-202', [
      { name: 'TI-202.PV', alias: 1, type: 'Double', value: 662 },
      { name: 'Reactor/pressure', alias: 2, type: 'Double', value: 6 },
      { name: 'flow', alias: 3, type: 'Double', value: 100 },
      { name: 'LI-202.PV', alias: 4, type: 'Double', value: 40 },
    ]);
    await send('DDATA', 'r-202', [{ alias: 1, type: 'Double', value: 680 }]);
    await eventually(async () => (await h.handle.services.repos.telemetry.count('r-202')) === 1, 10_000, 'stored');
    const [row] = await stored('r-202');
    expect(row!.values.temperature).toBeCloseTo(360, 6);
    expect(row!.values).toMatchObject({ pressure: 6, flow: 100, level: 40 });
  });
});
