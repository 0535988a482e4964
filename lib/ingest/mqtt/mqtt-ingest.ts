/**
 * The plant connection: the one owner of the MQTT broker connection (MQTT.js, protocol v5).
 *
 * - Persistent session: fixed client id, clean start off, a session expiry, QoS 1 subscriptions,
 *   so what plants publish while the console is down is queued by the broker and delivered
 *   when it is back.
 * - PUBACK only after commit (`customHandleAcks`): a message's readings go through the durable
 *   ingest (group commit) and the PUBACK is sent once the transaction committed. When the commit
 *   fails the message is not acknowledged: the connection is dropped, and the broker
 *   redelivers the message after the reconnect (with backoff). A refused message (bad payload)
 *   is acknowledged, or it would come back forever.
 * - MQTT.js hands over one message at a time (the next is read only after the previous one was
 *   acknowledged), so messages are committed in order; a batch of readings in one message
 *   shares one commit.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../../log';
import type { IngestStatus } from '../ingest-status';

/** What a handler decided about one message. */
export type Outcome =
  /** Stored (or refused: counted, logged) -> PUBACK with this reason code (0: success). */
  | { ack: true; reasonCode?: 0 | 131 | 153 }
  /** Not stored (commit failed): no PUBACK, the broker must send it again. */
  | { ack: false; error: unknown };

/** MQTT v5 PUBACK reason codes used here. */
export const PUBACK_OK = 0;
/** Implementation specific error: e.g. unknown asset, data before birth. */
export const PUBACK_REFUSED = 131;
/** Payload format invalid. */
export const PUBACK_BAD_PAYLOAD = 153;

export interface TopicHandler {
  /** Topic filters to subscribe (QoS 1). */
  filters: string[];
  accepts(topic: string): boolean;
  handle(topic: string, payload: Buffer): Promise<Outcome>;
}

export interface MqttIngestOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  caFile?: string;
  sessionExpirySeconds: number;
  handlers: TopicHandler[];
  status: IngestStatus;
  logger: Logger;
  /** First and largest reconnect delay (doubling in between), ms. */
  backoff?: { initialMs: number; maxMs: number };
}

export interface MqttIngest {
  /** Publishes a message on the same connection (Sparkplug rebirth requests). */
  publish(topic: string, payload: Buffer, qos?: 0 | 1): void;
  /** Resolves once connected and subscribed (tests; start-up does not wait for the broker). */
  ready(): Promise<void>;
  /** Lets the message being handled finish (its PUBACK sent), then disconnects; the session stays. */
  close(): Promise<void>;
}

/** `mqtt://user:secret@host:1883` -> `mqtt://host:1883`. */
export function describeBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable MQTT_URL)';
  }
}

export function startMqttIngest(opts: MqttIngestOptions): MqttIngest {
  const log = opts.logger.child({ module: 'mqtt' });
  const backoff = opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const broker = describeBrokerUrl(opts.url);
  const filters = opts.handlers.flatMap((h) => h.filters);
  // Failed connection attempts since the last connect, and failed commits since the last stored
  // message: a database that stays down must not make us reconnect twice a second (each
  // reconnect succeeds, so the first count alone would not grow).
  let failures = 0;
  let commitFailures = 0;
  let closing = false;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const nextDelay = () => {
    const ms = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(Math.max(failures, commitFailures), 16));
    // Jitter keeps a fleet of consoles from reconnecting in lockstep after a broker restart.
    return Math.round(ms * (0.8 + Math.random() * 0.4));
  };

  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: opts.clientId,
    clean: false,
    properties: { sessionExpiryInterval: opts.sessionExpirySeconds },
    reconnectPeriod: backoff.initialMs,
    connectTimeout: 10_000,
    // Subscriptions are made again on every connect (below): Mosquitto before 2.0.12 did not
    // always restore them for persistent sessions.
    resubscribe: false,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.caFile ? { ca: readFileSync(opts.caFile) } : {}),
    customHandleAcks: (topic: string, payload: Buffer, packet: IPublishPacket, done) => {
      void enqueue(topic, payload, packet).then((outcome) => {
        if (outcome.ack) {
          commitFailures = 0;
          done(outcome.reasonCode ?? PUBACK_OK);
          return;
        }
        commitFailures++;
        // No PUBACK: drop the connection so that the broker sends the message again once we are
        // back (it keeps unacknowledged QoS 1 messages in the session). `done` is never called,
        // so MQTT.js reads nothing more on this connection.
        log.error(
          { err: outcome.error, topic },
          'readings not stored: message not acknowledged, reconnecting to have it sent again',
        );
        opts.status.updateConnection({ lastError: `not stored: ${describe(outcome.error)}` });
        client.stream?.destroy();
      });
    },
  };

  // One message at a time, in arrival order, QoS 0 and 1 alike (Sparkplug's sequence numbers
  // and births only make sense in order). MQTT.js already waits for a QoS 1 message's PUBACK
  // before handing over the next one; QoS 0 messages come through 'message' and queue here.
  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = (topic: string, payload: Buffer, packet: IPublishPacket): Promise<Outcome> => {
    const next = chain.then(() => dispatch(topic, payload, packet));
    chain = next.catch(() => {});
    return next;
  };

  const dispatch = async (topic: string, payload: Buffer, packet: IPublishPacket): Promise<Outcome> => {
    const handler = opts.handlers.find((h) => h.accepts(topic));
    if (!handler) {
      // A topic we subscribed to but no handler takes: acknowledge, or it comes back forever.
      opts.status.reject({ source: 'mqtt', reason: 'bad_topic', message: 'no handler for this topic', topic });
      return { ack: true, reasonCode: PUBACK_REFUSED };
    }
    try {
      return await handler.handle(topic, payload);
    } catch (error) {
      // Unexpected (a bug, not a bad payload): nothing is known to be stored, so no PUBACK.
      log.error({ err: error, topic, dup: packet.dup }, 'message handler failed');
      return { ack: false, error };
    }
  };

  log.info({ broker, clientId: opts.clientId, filters }, 'connecting to the MQTT broker');
  opts.status.updateConnection({ enabled: true, broker, clientId: opts.clientId, subscriptions: filters });
  const client: MqttClient = mqtt.connect(opts.url, options);

  client.on('connect', (connack) => {
    failures = 0;
    log.info({ broker, sessionPresent: connack.sessionPresent }, 'MQTT connected');
    opts.status.updateConnection({ connected: true, lastConnectedAt: new Date().toISOString() });
    // No Local is a protocol error on a shared subscription (`$share/...`, clustered mode).
    const subscriptions = Object.fromEntries(
      filters.map((f) => [f, { qos: 1 as const, nl: !f.startsWith('$share/') }]),
    );
    client.subscribe(subscriptions, (err, granted) => {
      if (err) {
        log.error({ err }, 'MQTT subscribe failed');
        opts.status.updateConnection({ lastError: `subscribe failed: ${err.message}` });
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos > 2);
      if (refused.length) {
        log.error({ refused: refused.map((g) => g.topic) }, 'the broker refused subscriptions');
        opts.status.updateConnection({ lastError: `subscriptions refused: ${refused.map((g) => g.topic).join(', ')}` });
        return;
      }
      readyResolve();
    });
  });
  client.on('message', (topic, payload, packet) => {
    // QoS 1 messages were handled in customHandleAcks (MQTT.js emits them here after).
    if (packet.qos !== 0) return;
    void enqueue(topic, payload, packet).then((outcome) => {
      if (!outcome.ack)
        log.error(
          { err: outcome.error, topic },
          'readings of a QoS 0 message not stored; the broker cannot send it again (publish with QoS 1)',
        );
    });
  });
  client.on('reconnect', () => {
    opts.status.updateConnection({ reconnects: opts.status.report().mqtt.reconnects + 1 });
  });
  // Runs before MQTT.js's own close listener, which schedules the next attempt with this period:
  // exponential backoff from the second attempt on, reset by a successful connect.
  client.prependListener('close', () => {
    opts.status.updateConnection({ connected: false });
    if (closing) return;
    client.options.reconnectPeriod = nextDelay();
    failures++;
  });
  client.on('error', (err) => {
    log.warn({ err, broker }, 'MQTT connection error');
    opts.status.updateConnection({ lastError: err.message });
  });

  return {
    publish(topic, payload, qos = 0) {
      client.publish(topic, payload, { qos }, (err) => {
        if (err) log.warn({ err, topic }, 'MQTT publish failed');
      });
    },
    ready: () => readyPromise,
    async close() {
      closing = true;
      // The message being handled gets its commit and PUBACK before the connection goes.
      await Promise.race([chain, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await client.endAsync(false).catch((err: unknown) => log.warn({ err }, 'MQTT disconnect failed'));
      opts.status.updateConnection({ connected: false });
      log.info('MQTT disconnected');
    },
  };
}
