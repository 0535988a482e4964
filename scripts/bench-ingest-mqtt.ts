/**
 * bench:ingest's MQTT senders: the load generator publishes QoS 1 through the machine's Mosquitto
 * to the console's plant connection, as a plant would.
 *
 * - `mqtt`: JSON on `<prefix>/<asset>/telemetry` (one reading, or an array of them).
 * - `sparkplug`: Sparkplug B (sparkplug-payload) from one edge node per sender, NBIRTH and DBIRTH
 *   first, then DDATA by alias; a batch of n readings is one DDATA carrying n samples of each
 *   metric (store and forward), which the console turns into n readings.
 *
 * What counts as the acknowledgement: the publisher's own PUBACK comes from the broker, not from
 * the console, so a sender waits until its message's last reading reached the subscribed
 * socket.io client. The console streams a reading only after its commit and sends the message's
 * PUBACK to the broker in the same turn, so this is publish-to-PUBACK plus the socket hop (an
 * upper bound), and it closes the loop: a sender publishes its next message only then.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { encodeSparkplug } from '../lib/ingest/sparkplug/sparkplug-codec';

export const BENCH_MQTT_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface BenchReading {
  ts: number;
  values: { temperature: number; pressure: number; flow: number };
}

/**
 * The console's MQTT settings for a bench run: names of its own, so runs and other users never
 * mix. Its persistent session is made (subscribed) before the console starts, so nothing
 * published while it connects is lost.
 */
export async function mqttEnv(): Promise<{ env: Record<string, string>; dropSession(): Promise<void> }> {
  const id = randomBytes(4).toString('hex');
  const clientId = `twinops-bench-${id}`;
  const prefix = `twinops-bench/${id}`;
  const group = `bench-${id}`;
  const session = await mqtt.connectAsync(BENCH_MQTT_URL, {
    clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 600 },
    reconnectPeriod: 0,
  });
  await session.subscribeAsync([`${prefix}/+/telemetry`, `spBv1.0/${group}/+/+`, `spBv1.0/${group}/+/+/+`], { qos: 1 });
  await session.endAsync();
  return {
    env: { MQTT_URL: BENCH_MQTT_URL, MQTT_CLIENT_ID: clientId, MQTT_TOPIC_PREFIX: prefix, SPARKPLUG_GROUPS: group },
    async dropSession() {
      const c = await mqtt.connectAsync(BENCH_MQTT_URL, {
        clientId,
        clean: true,
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      await c.endAsync();
    },
  };
}

/** Resolves a sender's wait when the subscriber sees the last reading of its message. */
export class StreamAcks {
  private readonly waiting = new Map<string, { ts: number; resolve: () => void }>();

  until(assetId: string, ts: number): Promise<void> {
    return new Promise((resolve) => this.waiting.set(assetId, { ts, resolve }));
  }

  /** For each point of the subscriber's `stream:points`. */
  seen(assetId: string, ts: number): void {
    const w = this.waiting.get(assetId);
    if (w && ts >= w.ts) {
      this.waiting.delete(assetId);
      w.resolve();
    }
  }
}

export interface MqttSender {
  send(assetId: string, readings: BenchReading[]): Promise<void>;
  acks: StreamAcks;
  close(): Promise<void>;
}

async function publisher(): Promise<MqttClient> {
  return mqtt.connectAsync(BENCH_MQTT_URL, {
    clientId: `twinops-bench-pub-${randomBytes(4).toString('hex')}`,
    reconnectPeriod: 0,
  });
}

export async function jsonSender(env: Record<string, string>): Promise<MqttSender> {
  const client = await publisher();
  const acks = new StreamAcks();
  const prefix = env.MQTT_TOPIC_PREFIX!;
  return {
    acks,
    async send(assetId, readings) {
      const acked = acks.until(assetId, readings[readings.length - 1]!.ts);
      const body = JSON.stringify(readings.length === 1 ? readings[0] : readings);
      await client.publishAsync(`${prefix}/${assetId}/telemetry`, body, { qos: 1 });
      await acked;
    },
    close: () => client.endAsync(),
  };
}

const ALIASES = { temperature: 1, pressure: 2, flow: 3 } as const;

/** One edge node per asset (`gw-<asset>`, device `<asset>`: bound by name), each with its own seq. */
export async function sparkplugSender(env: Record<string, string>): Promise<MqttSender> {
  const client = await publisher();
  const acks = new StreamAcks();
  const group = env.SPARKPLUG_GROUPS!;
  const seqs = new Map<string, number>();
  const publish = (type: string, assetId: string, payload: Parameters<typeof encodeSparkplug>[0]) => {
    const device = type.startsWith('D') ? `/${assetId}` : '';
    const seq = seqs.get(assetId) ?? 0;
    seqs.set(assetId, (seq + 1) % 256);
    return client.publishAsync(
      `spBv1.0/${group}/${type}/gw-${assetId}${device}`,
      encodeSparkplug({ ...payload, seq }),
      { qos: 1 },
    );
  };
  const born = new Set<string>();
  const birth = async (assetId: string, first: BenchReading) => {
    seqs.set(assetId, 0);
    await publish('NBIRTH', assetId, {
      timestamp: first.ts,
      metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }],
    });
    await publish('DBIRTH', assetId, {
      timestamp: first.ts,
      metrics: Object.entries(ALIASES).map(([name, alias]) => ({
        name,
        alias,
        type: 'Double' as const,
        value: first.values[name as keyof typeof ALIASES],
      })),
    });
    born.add(assetId);
  };
  return {
    acks,
    async send(assetId, readings) {
      if (!born.has(assetId)) await birth(assetId, readings[0]!);
      const acked = acks.until(assetId, readings[readings.length - 1]!.ts);
      await publish('DDATA', assetId, {
        timestamp: readings[readings.length - 1]!.ts,
        metrics: readings.flatMap((r) =>
          Object.entries(ALIASES).map(([name, alias]) => ({
            alias,
            type: 'Double' as const,
            value: r.values[name as keyof typeof ALIASES],
            timestamp: r.ts,
          })),
        ),
      });
      await acked;
    },
    close: () => client.endAsync(),
  };
}
