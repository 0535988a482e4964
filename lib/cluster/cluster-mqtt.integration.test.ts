/**
 * Scale-out (issue 16) with the plant connection: two consoles on the machine's Mosquitto (a
 * topic prefix and client id of the test's own). Each instance has its own session and takes JSON
 * telemetry through one shared subscription, so every message is stored once, whichever instance
 * got it, and streamed once by the asset's owner.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, expectContiguous, reading, until } from '../../tests/cluster-harness';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const tag = randomBytes(4).toString('hex');
const prefix = `t-cluster-${tag}`;
const h = new ClusterHarness();

const env = { MQTT_URL: BROKER, MQTT_TOPIC_PREFIX: prefix, MQTT_CLIENT_ID: `t-cluster-${tag}` };

beforeAll(async () => {
  await h.createDatabase();
  for (const n of ['a', 'b']) await h.start(n, env);
}, 240_000);

afterAll(() => h.close());

it('each MQTT message reaches one instance and is stored and streamed once', { timeout: 90_000 }, async () => {
  await h.settledOwners(['a', 'b'], 30_000, (o) => new Set(o.values()).size === 2);
  const viewer = h.client('a');
  await viewer.subscribe('reactor-1');
  const pub = await mqtt.connectAsync(BROKER, { clientId: `pub-${tag}`, reconnectPeriod: 0 });
  const t0 = Date.now();
  const COUNT = 40;
  try {
    for (let i = 0; i < COUNT; i++)
      await pub.publishAsync(`${prefix}/reactor-1/telemetry`, JSON.stringify(reading(t0 + i * 10)), { qos: 1 });
  } finally {
    await pub.endAsync();
  }
  const rows = await until(
    async () => {
      const r = await h.query<{ n: string; pending: string; streamed: string }>(
        `select count(*) as n, count(*) filter (where pending) as pending, count(seq) as streamed
         from telemetry where asset_id = 'reactor-1'`,
      );
      return Number(r[0]!.n) === COUNT && Number(r[0]!.pending) === 0 ? r[0]! : null;
    },
    30_000,
    'every message stored and processed',
  );
  // Messages handled at the same time by two instances may come out of time order: those are
  // stored as late (not streamed); every streamed one reaches the client once, in seq order.
  await until(async () => viewer.points.get('reactor-1')!.length >= Number(rows.streamed), 10_000, 'streamed points');
  expect(Number(rows.streamed)).toBeGreaterThan(0);
  expectContiguous(viewer.points.get('reactor-1')!);
  expect(viewer.points.get('reactor-1')!).toHaveLength(Number(rows.streamed));
});

it(
  "a dead instance's share of the messages waits in its session at the broker and is stored when it comes back",
  { timeout: 180_000 },
  async () => {
    // What Mosquitto (2.0) does with a shared subscription whose member's persistent session is
    // offline: it keeps giving that session its turn, so part of the messages queue there (not
    // only the one in flight at the kill) until the same client id connects again. Nothing is
    // handed to the live member; nothing is lost while the instance comes back within the
    // session expiry and the queue stays under max_queued_messages.
    const exited = new Promise((r) => h.instance('b').proc.once('exit', r));
    h.kill('b');
    await exited;
    const before = Number(
      (await h.query<{ n: string }>(`select count(*) as n from telemetry where asset_id = 'reactor-2'`))[0]!.n,
    );
    const pub = await mqtt.connectAsync(BROKER, { clientId: `pub2-${tag}`, reconnectPeriod: 0 });
    const t0 = Date.now();
    const COUNT = 20;
    try {
      for (let i = 0; i < COUNT; i++)
        await pub.publishAsync(`${prefix}/reactor-2/telemetry`, JSON.stringify(reading(t0 + i * 10)), { qos: 1 });
    } finally {
      await pub.endAsync();
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const count = async () =>
      Number((await h.query<{ n: string }>(`select count(*) as n from telemetry where asset_id = 'reactor-2'`))[0]!.n) -
      before;
    const whileDown = await count();
    expect(whileDown, 'the dead member kept its turn: part of the messages wait for it').toBeLessThan(COUNT);
    expect(whileDown).toBeGreaterThan(0);
    await h.start('b', env);
    await until(async () => (await count()) === COUNT, 30_000, 'every message stored once b is back');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await count(), 'each stored once').toBe(COUNT);
    console.log(`MQTT with a dead member: ${whileDown} of ${COUNT} stored while it was down, all once it returned`);
  },
);
