/**
 * The QoS 1 messages of the plant connection between their arrival and their PUBACK, so that
 * many messages share one commit and each is still acknowledged only after the commit that holds
 * its readings.
 *
 * Why not MQTT.js's `customHandleAcks`: MQTT.js reads the next packet of a connection only after
 * the previous one's PUBACK went out, so with the PUBACK held until the commit every message
 * waited for its own transaction (one commit per message, whatever the broker had in flight).
 * Instead the client's `handleMessage` hands each message here and releases MQTT.js's packet
 * pump at once *without* its PUBACK (an error to its callback skips the PUBACK; MQTT.js 5.x,
 * lib/handlers/publish.ts); this window sends the PUBACK itself once the message settled.
 *
 * - Order: messages are *staged* one at a time, in arrival order (decoded, scored, queued for the
 *   group commit, Sparkplug session state advanced), so the readings of an asset enter the
 *   pipeline in time order; the wait for the commit overlaps with the next messages. PUBACKs go
 *   out in arrival order too (MQTT v5 4.6: a client acknowledges QoS 1 messages in order), so a
 *   refused message does not overtake a stored one.
 * - Bound: what the broker may have unacknowledged at once (the session's receive maximum;
 *   Mosquitto: also `max_inflight_messages`), so memory stays bounded without a window here.
 * - A message is acknowledged on the connection it came in on, or not at all: after a reconnect
 *   the broker sends every unacknowledged message again (stored ones are then duplicates, which
 *   the store skips), and the handlers' state of those messages is taken back (`undo`, newest
 *   first) before the next message is staged, so the redelivered ones find it as it was.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';

/** Stored (or refused: counted, logged) -> PUBACK with this reason code (0: success); or not stored. */
export type Outcome = { ack: true; reasonCode?: 0 | 131 | 153 } | { ack: false; error: unknown };

/** A message staged for a commit: its outcome once the commit settled. */
export interface Pending {
  committed: Promise<Outcome>;
  /** Takes back the message's effect on the handler's state (it will be delivered again). */
  undo?: () => void;
}

/** What a handler resolves to once the message is staged: decided at once, or pending a commit. */
export type Handled = Outcome | Pending;

interface Entry {
  messageId: number;
  /** The connection it arrived on (MQTT.js replaces the stream on each reconnect). */
  stream: unknown;
  undo?: () => void;
  dropped: boolean;
}

/** The handler could not stage the message (a bug): treat as not stored. */
const failed = (error: unknown): Outcome => ({ ack: false, error });

export function isPending(h: Handled): h is Pending {
  return 'committed' in h;
}

export class AckWindow {
  /** Staging, one message at a time. */
  private staging: Promise<unknown> = Promise.resolve();
  /** PUBACKs, in arrival order. */
  private acking: Promise<unknown> = Promise.resolve();
  private unacked: Entry[] = [];
  /** Messages taken and PUBACKs sent since start (tests, bench). */
  readonly stats = { taken: 0, acknowledged: 0, dropped: 0 };

  constructor(
    private readonly client: MqttClient,
    private readonly stage: (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<Handled>,
    /**
     * Called in arrival order with the outcome of each message of the current connection (after
     * its PUBACK when acknowledged); on a failed one the caller drops the connection.
     */
    private readonly settled: (topic: string, outcome: Outcome) => void,
  ) {}

  /** A QoS 1 message from MQTT.js's `handleMessage` (topic aliases are not enabled, so `packet.topic` is whole). */
  take(packet: IPublishPacket): void {
    const topic = packet.topic;
    const payload = packet.payload as Buffer;
    const entry: Entry = { messageId: packet.messageId!, stream: this.client.stream, dropped: false };
    this.unacked.push(entry);
    this.stats.taken++;
    const handled = this.enqueue(topic, payload, packet).then((h) => {
      if (isPending(h)) entry.undo = h.undo;
      return h;
    });
    this.acking = this.acking.then(async () => {
      const h = await handled;
      const outcome = isPending(h) ? await h.committed.catch(failed) : h;
      // Lost with its connection: it comes again (and its effects were taken back).
      if (entry.dropped || entry.stream !== this.client.stream) return;
      if (outcome.ack) {
        // Closing but not closed yet: no PUBACK, connectionLost follows.
        if (!this.client.connected) return;
        this.unacked.splice(this.unacked.indexOf(entry), 1);
        sendPuback(this.client, entry.messageId, outcome.reasonCode ?? 0);
        this.stats.acknowledged++;
      }
      this.settled(topic, outcome);
    });
  }

  /** A QoS 0 message: staged in the same order; resolves with its outcome (nothing to acknowledge). */
  async takeUnacknowledged(packet: IPublishPacket): Promise<Outcome> {
    const h = await this.enqueue(packet.topic, packet.payload as Buffer, packet);
    return isPending(h) ? h.committed.catch(failed) : h;
  }

  /**
   * The connection closed: its unacknowledged messages will come again. Their effects are taken
   * back once the message being staged is done, before anything of the next connection is staged.
   */
  connectionLost(): void {
    const lost = this.unacked.splice(0);
    if (!lost.length) return;
    for (const e of lost) e.dropped = true;
    this.stats.dropped += lost.length;
    this.staging = this.staging.then(() => {
      for (const e of lost.reverse()) e.undo?.();
    });
  }

  /** Settles once every message taken so far was staged and answered. */
  idle(): Promise<unknown> {
    return Promise.all([this.staging, this.acking]);
  }

  private enqueue(topic: string, payload: Buffer, packet: IPublishPacket): Promise<Handled> {
    const next = this.staging.then(() => this.stage(topic, payload, packet)).catch(failed);
    this.staging = next;
    return next;
  }
}

/**
 * MQTT.js has no public call to acknowledge a message later; `_sendPacket` is what its own
 * PUBACK path uses (lib/handlers/publish.ts). Only called while the message's connection is up:
 * offline, MQTT.js would queue the packet for the next connection, where the id means another
 * message.
 */
function sendPuback(client: MqttClient, messageId: number, reasonCode: number): void {
  (client as unknown as { _sendPacket(p: object): void })._sendPacket({ cmd: 'puback', messageId, reasonCode });
}
