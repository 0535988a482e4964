/**
 * A plant's readings over MQTT reach the dashboard: a JSON message on
 * `<prefix>/<asset>/telemetry` and a Sparkplug B edge node's births and DDATA, published to the
 * machine's Mosquitto, show up in the live conditions chart (the e2e server subscribes with a
 * prefix and group of its own, see e2e/serve.ts).
 */
import type { Page } from '@playwright/test';
import mqtt, { type MqttClient } from 'mqtt';
import { encodeSparkplug } from '../lib/ingest/sparkplug/sparkplug-codec';
import { test, expect } from './fixtures';
import { E2E_PORT, E2E_USERS } from './users';

const BROKER = process.env.E2E_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PREFIX = `twinops-e2e/${E2E_PORT}`;
const GROUP = `twinops-e2e-${E2E_PORT}`;

let client: MqttClient;
test.beforeAll(async () => {
  client = await mqtt.connectAsync(BROKER, { clientId: `twinops-e2e-pub-${E2E_PORT}-${process.pid}` });
});
test.afterAll(async () => {
  await client?.endAsync();
});

/** The temperatures the dashboard's conditions chart holds now. */
function temperatures(page: Page): Promise<number[]> {
  return page
    .getByTestId('conditions-chart')
    .locator('.js-plotly-plot')
    .evaluate((el) => {
      const gd = el as unknown as { data?: { uid?: string; y?: ArrayLike<number | null> }[] };
      const t = (gd.data ?? []).find((d) => d.uid === 'temperature');
      return Array.from(t?.y ?? []).filter((v): v is number => v !== null);
    });
}

/**
 * Publishes until the chart shows `value`: the simulator keeps streaming beside it, and a
 * reading older than the asset's newest live point is stored but not streamed, so a reading
 * that lost that race by a tick is sent again with a fresh timestamp.
 */
async function publishUntilShown(page: Page, value: number, publish: () => Promise<unknown>) {
  await expect
    .poll(
      async () => {
        if ((await temperatures(page)).includes(value)) return true;
        await publish();
        return false;
      },
      { timeout: 15_000, intervals: [1_000] },
    )
    .toBe(true);
}

test('a JSON reading published over MQTT appears in the live chart', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  await expect(page.getByLabel('Asset')).toHaveValue('reactor-1');
  await expect(page.getByTestId('conditions-chart').locator('.js-plotly-plot')).toBeVisible();
  const value = 398.7;
  await publishUntilShown(page, value, () =>
    client.publishAsync(
      `${PREFIX}/reactor-1/telemetry`,
      JSON.stringify({ ts: Date.now(), values: { temperature: value, pressure: 6, flow: 100 } }),
      { qos: 1 },
    ),
  );
});

test('Sparkplug B data of a born device appears in the live chart of its asset', async ({ page, loginAs }) => {
  await loginAs(E2E_USERS.viewer);
  // Pick the asset once the page is live (hydrated): a choice made before would be reset to reactor-1.
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await page.getByLabel('Asset').selectOption('reactor-3');
  await expect(page.getByLabel('Asset')).toHaveValue('reactor-3');
  await expect(page.getByTestId('conditions-chart').locator('.js-plotly-plot')).toBeVisible();
  const topic = (type: string, device?: string) => `spBv1.0/${GROUP}/${type}/gw-e2e${device ? `/${device}` : ''}`;
  let seq = 0;
  await client.publishAsync(
    topic('NBIRTH'),
    encodeSparkplug({ timestamp: Date.now(), seq: seq++, metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }] }),
    { qos: 1 },
  );
  await client.publishAsync(
    topic('DBIRTH', 'reactor-3'),
    encodeSparkplug({
      timestamp: Date.now(),
      seq: seq++,
      metrics: [
        { name: 'temperature', alias: 1, type: 'Double', value: 350 },
        { name: 'pressure', alias: 2, type: 'Double', value: 6 },
        { name: 'flow', alias: 3, type: 'Double', value: 100 },
      ],
    }),
    { qos: 1 },
  );
  const value = 301.3;
  await publishUntilShown(page, value, () =>
    client.publishAsync(
      topic('DDATA', 'reactor-3'),
      encodeSparkplug({ timestamp: Date.now(), seq: seq++, metrics: [{ alias: 1, type: 'Double', value }] }),
      { qos: 1 },
    ),
  );
});
