/**
 * Cross-instance events over Redis pub/sub: "something changed in the database, drop what you
 * cached and read it again". The database stays the truth: an event names what changed, never the
 * new value, and a receiver reads the value from the database. A receiver that was cut off from
 * Redis may have missed events, so after every reconnect it resynchronises everything it caches
 * (`onResync`). Events from this process are not delivered back to it (it applied them already).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log';
import type { RedisConnection } from './redis';

export const clusterEventSchema = z.discriminatedUnion('type', [
  /** A repository change that affects authorization (role, disable, key revoked): drop credential caches. */
  z.object({ type: z.literal('auth.changed') }),
  /** A user's role, state or name changed: re-read them, close or update their sockets. */
  z.object({ type: z.literal('user.changed'), userId: z.string().min(1).max(64) }),
  /** A user's sessions were revoked (password change, reset, disable, "log out other sessions"). */
  z.object({ type: z.literal('user.sessions-revoked'), userId: z.string().min(1).max(64) }),
  /** One browser session was logged out (kept in each instance's memory until it would have expired). */
  z.object({
    type: z.literal('session.logged-out'),
    userId: z.string().min(1).max(64),
    sid: z.string().min(1).max(200),
    expiresAtMs: z.number().int(),
  }),
  /** The serving model or the A/B test changed (settings `model.active`, `model.ab`). */
  z.object({ type: z.literal('model.serving-changed') }),
  /** An alarm rule was edited or shelved. */
  z.object({ type: z.literal('alerts.rule-changed'), ruleId: z.string().min(1).max(200) }),
  /** A rule or asset was taken out of service or returned to it. */
  z.object({ type: z.literal('alerts.service-changed') }),
  /** An asset was created, edited (signals, Sparkplug binding...) or retired: read it again. */
  z.object({ type: z.literal('asset.changed'), assetId: z.string().min(1).max(63) }),
]);

export type ClusterEvent = z.infer<typeof clusterEventSchema>;
export type ClusterEventType = ClusterEvent['type'];
type EventOf<T extends ClusterEventType> = Extract<ClusterEvent, { type: T }>;

const envelopeSchema = z.object({ from: z.string(), instance: z.string(), event: clusterEventSchema });

/** The channel every instance listens on. */
export const eventsChannel = (prefix: string) => `${prefix}events`;

/** One event on the wire: who sent it (`from`: unique per process) and what. */
export const encodeEvent = (event: ClusterEvent, from: string, instance: string) =>
  JSON.stringify({ from, instance, event });

export interface ClusterEvents {
  /** Tells the other instances; never throws, never waits (an outage is covered by their resync). */
  publish(event: ClusterEvent): void;
  /** Handles an event from another instance. */
  on<T extends ClusterEventType>(type: T, handler: (event: EventOf<T>) => void | Promise<void>): void;
  /** Runs after the subscription came back from an outage: events may have been missed. */
  onResync(handler: () => void | Promise<void>): void;
  close(): Promise<void>;
}

export interface ClusterEventsOptions {
  /** For PUBLISH (its own connection: a subscribed connection cannot publish). */
  publisher: RedisConnection;
  /** Put into subscriber mode here. */
  subscriber: RedisConnection;
  instanceId: string;
  logger: Logger;
}

/** Subscribes to the cluster's event channel and returns the bus. */
export function createClusterEvents(opts: ClusterEventsOptions): ClusterEvents {
  const log = opts.logger.child({ module: 'cluster-events' });
  const channel = eventsChannel(opts.publisher.prefix);
  // Unique per process even if two instances were given the same INSTANCE_ID.
  const self = randomUUID();
  const handlers = new Map<ClusterEventType, ((e: ClusterEvent) => void | Promise<void>)[]>();
  const resyncs: (() => void | Promise<void>)[] = [];
  let missed = false;

  const run = (what: string, fn: () => void | Promise<void>) => {
    try {
      void Promise.resolve(fn()).catch((err: unknown) => log.warn({ err, what }, 'cluster event handler failed'));
    } catch (err) {
      log.warn({ err, what }, 'cluster event handler failed');
    }
  };

  const sub = opts.subscriber.client;
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    let parsed: z.infer<typeof envelopeSchema>;
    try {
      const result = envelopeSchema.safeParse(JSON.parse(raw));
      if (!result.success) {
        log.warn({ issues: result.error.issues.slice(0, 3) }, 'unknown cluster event ignored');
        return;
      }
      parsed = result.data;
    } catch {
      log.warn('unreadable cluster event ignored');
      return;
    }
    if (parsed.from === self) return;
    log.debug({ event: parsed.event, from: parsed.instance }, 'cluster event');
    for (const h of handlers.get(parsed.event.type) ?? []) run(parsed.event.type, () => h(parsed.event));
  });
  // ioredis re-subscribes by itself after a reconnect; events sent meanwhile are lost, so resync
  // (also when Redis was not there at start: changes made elsewhere meanwhile were not heard).
  sub.on('close', () => {
    missed = true;
  });
  sub.on('ready', () => {
    if (!missed) return;
    missed = false;
    log.info('cluster events resumed; resynchronising caches');
    for (const r of resyncs) run('resync', r);
  });
  void sub.subscribe(channel).catch((err: unknown) => log.warn({ err }, 'could not subscribe to cluster events yet'));

  return {
    publish(event) {
      opts.publisher.client
        .publish(channel, encodeEvent(event, self, opts.instanceId))
        .catch((err: unknown) =>
          log.warn({ err: (err as Error).message, event: event.type }, 'cluster event not sent'),
        );
    },
    on(type, handler) {
      const list = handlers.get(type) ?? [];
      list.push(handler as (e: ClusterEvent) => void | Promise<void>);
      handlers.set(type, list);
    },
    onResync(handler) {
      resyncs.push(handler);
    },
    async close() {
      // The connections belong to the caller (closed after this); only stop delivering.
      handlers.clear();
      resyncs.length = 0;
    },
  };
}
