/**
 * The exchange behind the cluster-wide figures (A/B totals, drift sums): every `SHARE_MS` each
 * instance writes its own figures into one Redis hash (a field per instance, with the time) and
 * reads the other instances'. Figures older than `STALE_MS` (an instance gone) or unreadable are
 * left out and removed. While Redis is unreachable the last figures read stay in use.
 */
import type { z } from 'zod';
import type { Logger } from '../log';
import type { RedisConnection } from './redis';

export const SHARE_MS = 1_000;
const STALE_MS = 10_000;

export interface PeerFiguresOptions<T> {
  redis: RedisConnection;
  /** This instance's field in the hash. */
  owner: string;
  /** The hash's name after the cluster's key prefix, e.g. `ab-figures`. */
  name: string;
  /** Validates another instance's figures (a field written by an older version is skipped). */
  schema: z.ZodType<T>;
  /** This instance's figures now; null removes its field (nothing to share). */
  mine(): T | null;
  logger: Logger;
}

export interface PeerFigures<T> {
  /** The other live instances' figures as of the last exchange (none before the first). */
  peers(): T[];
  /** Ends the exchange and removes this instance's field. */
  stop(): void;
}

/** Starts the exchange. */
export function sharePeerFigures<T>(opts: PeerFiguresOptions<T>): PeerFigures<T> {
  const { redis, owner } = opts;
  const key = `${redis.prefix}${opts.name}`;
  let busy = false;
  let latest: T[] = [];

  async function exchange(): Promise<void> {
    if (busy || !redis.ready()) return;
    busy = true;
    try {
      const now = Date.now();
      const mine = opts.mine();
      const tx = redis.client.multi();
      if (mine !== null) tx.hset(key, owner, JSON.stringify({ at: now, figures: mine }));
      else tx.hdel(key, owner);
      const res = await tx
        .pexpire(key, STALE_MS * 6)
        .hgetall(key)
        .exec();
      const all = (res?.[2]?.[1] ?? {}) as Record<string, string>;
      const peers: T[] = [];
      const gone: string[] = [];
      for (const [field, raw] of Object.entries(all)) {
        if (field === owner) continue;
        const entry = parseEntry(raw, opts.schema);
        if (!entry || now - entry.at > STALE_MS) gone.push(field);
        else peers.push(entry.figures);
      }
      latest = peers;
      if (gone.length) await redis.client.hdel(key, ...gone);
    } catch (err) {
      opts.logger.debug({ err, key: opts.name }, 'cluster figures not exchanged');
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void exchange(), SHARE_MS);
  timer.unref();
  void exchange();
  return {
    peers: () => latest,
    stop() {
      clearInterval(timer);
      void redis.client.hdel(key, owner).catch(() => undefined);
    },
  };
}

function parseEntry<T>(raw: string, schema: z.ZodType<T>): { at: number; figures: T } | null {
  try {
    const entry = JSON.parse(raw) as { at?: unknown; figures?: unknown };
    const figures = schema.safeParse(entry.figures);
    return typeof entry.at === 'number' && figures.success ? { at: entry.at, figures: figures.data } : null;
  } catch {
    return null;
  }
}
