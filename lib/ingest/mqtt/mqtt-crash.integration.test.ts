/**
 * "PUBACK only after commit", tested the way it fails in a plant: a publisher bursts QoS 1
 * messages (bad ones among them) at the console's persistent session, the console (its own
 * process, real startConsole, the machine's Mosquitto) is `kill -9`ed while it works through
 * them, and restarted on the same data with the same client id. The broker keeps every message
 * the console had not acknowledged and sends it again; a message acknowledged before its commit
 * would be lost. So in the end every good reading published is stored exactly once, and nothing
 * of the bad messages. PGlite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { io as connect } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_ASSETS, exited, key, startChild, targetFor, type Child } from '../../../tests/ingest-crash-helpers';
import type { Point } from '../../twin/types';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** Under Mosquitto's max_queued_messages (1000): the broker must be able to queue all of them. */
const MESSAGES = 600;
/** Streamed readings (so committed ones) before the kill. */
const KILL_AFTER = 40;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** The readings the console streams (only what it committed), from one socket.io client. */
async function watch(child: Child) {
  const socket = connect(`http://127.0.0.1:${child.port}`, {
    transports: ['websocket'],
    extraHeaders: { cookie: child.cookie },
    reconnection: false,
  });
  const seen = new Set<string>();
  socket.on('stream:points', ({ assetId, points }: { assetId: string; points: Point[] }) => {
    for (const point of points) seen.add(key(assetId, point.ts));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  for (const assetId of CRASH_ASSETS)
    await new Promise<void>((resolve, reject) =>
      socket.emit('stream:subscribe', { assetId, maxPoints: 1 }, (res: { ok: boolean; error?: string }) =>
        res.ok ? resolve() : reject(new Error(res.error)),
      ),
    );
  return { seen, close: () => socket.disconnect() };
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe.each(['pglite', 'postgres'] as const)('kill -9 during an MQTT burst (%s)', (name) => {
  it(
    'keeps every acknowledged message: all good readings stored once after the restart, none of the bad',
    { timeout: 120_000 },
    async () => {
      const id = randomBytes(5).toString('hex');
      const prefix = `twinops-crash/${id}`;
      const clientId = `twinops-crash-${id}`;
      const target = await targetFor(name);
      cleanups.push(() => target.cleanup());
      const env = { ...target.env, MQTT_URL: BROKER, MQTT_TOPIC_PREFIX: prefix, MQTT_CLIENT_ID: clientId };
      // The console's persistent session exists before anything is published, so the broker keeps
      // every message for it whenever the console is down.
      const session = await mqtt.connectAsync(BROKER, {
        clientId,
        clean: false,
        protocolVersion: 5,
        properties: { sessionExpiryInterval: 600 },
        reconnectPeriod: 0,
      });
      await session.subscribeAsync(`${prefix}/+/telemetry`, { qos: 1 });
      await session.endAsync();
      cleanups.push(async () => {
        const c = await mqtt.connectAsync(BROKER, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
        await c.endAsync();
      });

      const first = await startChild(env);
      cleanups.push(async () => {
        first.proc.kill('SIGKILL');
        await exited(first.proc);
      });
      const before = await watch(first);

      const pub = await mqtt.connectAsync(BROKER, { clientId: `crash-pub-${id}`, reconnectPeriod: 0 });
      cleanups.push(() => pub.endAsync());
      const base = Date.now() - 120_000;
      const good: string[] = [];
      const sends: Promise<unknown>[] = [];
      let ts = base;
      for (let m = 0; m < MESSAGES; m++) {
        const assetId = CRASH_ASSETS[m % CRASH_ASSETS.length]!;
        const topic = `${prefix}/${assetId}/telemetry`;
        if (m % 40 === 7) {
          // Bad ones among the good: refused, acknowledged, never in the way of the others.
          sends.push(pub.publishAsync(topic, '{"ts": 1, "values": ', { qos: 1 }));
          sends.push(pub.publishAsync(`${prefix}/pump-9/telemetry`, JSON.stringify({ ts, values: {} }), { qos: 1 }));
          continue;
        }
        const readings = Array.from({ length: 1 + (m % 5) }, () => {
          const t = ts++;
          good.push(key(assetId, t));
          return { ts: t, values: { temperature: 340 + (t % 30), pressure: 6, flow: 100 } };
        });
        sends.push(pub.publishAsync(topic, JSON.stringify(readings), { qos: 1 }));
      }

      expect(await until(() => before.seen.size >= KILL_AFTER, 60_000)).toBe(true);
      first.proc.kill('SIGKILL');
      await exited(first.proc);
      const streamedBefore = before.seen.size;
      before.close();
      // Every message reached the broker (its PUBACKs to the publisher), so it holds the rest.
      await Promise.all(sends);

      const second = await startChild(env);
      cleanups.push(async () => {
        second.proc.kill('SIGKILL');
        await exited(second.proc);
      });
      const after = await watch(second);
      // Done when each asset's last reading was streamed by one run or the other (or, should the
      // first run have committed it just before the kill without streaming it, after a while).
      const last = CRASH_ASSETS.map((a) => [...good].reverse().find((k) => k.startsWith(`${a}@`))!);
      await until(() => last.every((k) => before.seen.has(k) || after.seen.has(k)), 60_000);
      after.close();
      second.proc.kill('SIGTERM');
      await exited(second.proc);

      const rows = await target.rows();
      const stored = new Set(rows);
      console.log(
        `MQTT crash test (${name}): ${MESSAGES} messages (${good.length} good readings); ${streamedBefore} streamed before the kill, ` +
          `${after.seen.size} after the restart; ${rows.length} rows stored`,
      );
      expect(good.filter((k) => !stored.has(k))).toEqual([]);
      expect(rows.length).toBe(stored.size);
      expect(rows.length).toBe(good.length);
      // The restart had work left: the kill came mid-burst.
      expect(after.seen.size).toBeGreaterThan(0);
    },
  );
});
