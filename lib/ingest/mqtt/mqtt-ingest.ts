/**
 * The plant connection: the one owner of the MQTT broker connection (MQTT.js, protocol v5).
 *
 * - Persistent session: fixed client id, clean start off, a session expiry, QoS 1 subscriptions,
 *   so what plants publish while the console is down is queued by the broker and delivered
 *   when it is back.
 * - PUBACK only after commit, many messages per commit (ack-window.ts): the messages the broker
 *   has in flight are staged in arrival order (decoded, scored, queued for the group commit) and
 *   share transactions; each message's PUBACK is sent once the transaction holding its readings
 *   committed. When a commit fails its message is not acknowledged: the connection is dropped,
 *   and the broker redelivers every unacknowledged message after the reconnect (with backoff). A
 *   refused message (bad payload) is acknowledged, or it would come back forever; it holds up no
 *   other message (it is decided before the commit).
 * - `receiveMaximum` (CONNECT) asks the broker for up to that many unacknowledged messages at
 *   once: the most messages one commit can hold. Mosquitto 2.0 also caps it by its own
 *   `max_inflight_messages` (default 20) for MQTT v5 clients.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../../log';
import type { IngestStatus } from '../ingest-status';
import { AckWindow, type Handled } from './ack-window';

export type { Handled, Outcome, Pending } from './ack-window';

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
  /**
   * Resolves once the message is staged (its readings queued for a commit, its session state
   * advanced): with its outcome, or with the commit still pending. The next message is staged only
   * after this resolved, so it must not wait for the commit itself.
   */
  handle(topic: string, payload: Buffer): Promise<Handled>;
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
  /** Unacknowledged messages the broker may send at once (CONNECT receive maximum). */
  receiveMaximum?: number;
}

/** Enough for a commit of many messages, small enough to bound the memory of a burst. */
export const DEFAULT_RECEIVE_MAXIMUM = 1000;

/** Given to MQTT.js's handleMessage callback: release the packet pump, but send no PUBACK. */
const ACK_LATER = new Error('acknowledged after the commit');

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
    properties: {
      sessionExpiryInterval: opts.sessionExpirySeconds,
      receiveMaximum: opts.receiveMaximum ?? DEFAULT_RECEIVE_MAXIMUM,
    },
    reconnectPeriod: backoff.initialMs,
    connectTimeout: 10_000,
    // Subscriptions are made again on every connect (below): Mosquitto before 2.0.12 did not
    // always restore them for persistent sessions.
    resubscribe: false,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.caFile ? { ca: readFileSync(opts.caFile) } : {}),
  };

  const dispatch = async (topic: string, payload: Buffer, packet: IPublishPacket): Promise<Handled> => {
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
  const window = new AckWindow(client, dispatch, (topic, outcome) => {
    if (outcome.ack) {
      commitFailures = 0;
      return;
    }
    commitFailures++;
    // No PUBACK: drop the connection so that the broker sends the message (and every later
    // unacknowledged one) again once we are back; it keeps them in the session.
    log.error(
      { err: outcome.error, topic },
      'readings not stored: message not acknowledged, reconnecting to have it sent again',
    );
    opts.status.updateConnection({ lastError: `not stored: ${describe(outcome.error)}` });
    client.stream?.destroy();
  });
  // MQTT.js calls this for every QoS 0 and 1 message, in arrival order, and reads the next packet
  // only once the callback was called: at once here, so that the messages the broker has in flight
  // arrive while the first ones wait for their commit (ack-window.ts says why not customHandleAcks).
  client.handleMessage = (packet, callback) => {
    if (packet.qos === 0) {
      void window.takeUnacknowledged(packet).then((outcome) => {
        if (!outcome.ack)
          log.error(
            { err: outcome.error, topic: packet.topic },
            'readings of a QoS 0 message not stored; the broker cannot send it again (publish with QoS 1)',
          );
      });
      callback();
      return;
    }
    window.take(packet);
    callback(ACK_LATER);
  };
  client.on('reconnect', () => {
    opts.status.updateConnection({ reconnects: opts.status.ownReport().mqtt.reconnects + 1 });
  });
  // Runs before MQTT.js's own close listener, which schedules the next attempt with this period:
  // exponential backoff from the second attempt on, reset by a successful connect.
  client.prependListener('close', () => {
    opts.status.updateConnection({ connected: false });
    window.connectionLost();
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
      // The messages being handled get their commit and PUBACK before the connection goes.
      await Promise.race([window.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await client.endAsync(false).catch((err: unknown) => log.warn({ err }, 'MQTT disconnect failed'));
      opts.status.updateConnection({ connected: false });
      log.info('MQTT disconnected');
    },
  };
}
