/**
 * Cluster-wide drift figures (issue 16): each instance scores, and so watches for drift, only the
 * readings of the assets it owns. Every `SHARE_MS` it writes the sums of its window (counting only
 * the assets it owns now; lib/serving/drift-summary.ts) into one Redis hash (a field per instance,
 * with the time) and reads the others'; the model manager adds up the sums of the instances
 * serving the same model, so the admin's drift page and the drift alarms (fed by one instance)
 * judge every asset's readings. Sums older than `STALE_MS` (an instance gone) are left out. While
 * Redis is unreachable each instance shows its own window with the last sums it read.
 */
import { z } from 'zod';
import type { Logger } from '../log';
import type { ModelManager } from '../serving/model-manager';
import type { DriftSums } from '../serving/drift-summary';
import type { RedisConnection } from './redis';

const SHARE_MS = 1_000;
const STALE_MS = 10_000;

const sumsSchema = z.object({
  at: z.number(),
  model: z.string(),
  features: z.array(
    z.object({
      name: z.string(),
      count: z.number(),
      sum: z.number(),
      sumSq: z.number(),
      outside: z.number(),
      buckets: z.array(z.number()).nullable(),
    }),
  ),
});

/** Starts sharing; returns the stop. */
export function shareDriftFigures(deps: {
  redis: RedisConnection;
  owner: string;
  models: Pick<ModelManager, 'driftSums' | 'shareDrift'>;
  /** Whether this instance owns the asset now (its readings are this instance's to count). */
  owns(assetId: string): boolean;
  logger: Logger;
}): () => void {
  const { redis, owner, models } = deps;
  const key = `${redis.prefix}drift-figures`;
  let peers: DriftSums[] = [];
  let busy = false;
  models.shareDrift({ owns: deps.owns, peers: () => peers });

  async function exchange(): Promise<void> {
    if (busy || !redis.ready()) return;
    busy = true;
    try {
      const now = Date.now();
      const mine = models.driftSums();
      const tx = redis.client.multi();
      if (mine) tx.hset(key, owner, JSON.stringify({ at: now, ...mine }));
      else tx.hdel(key, owner);
      const res = await tx
        .pexpire(key, STALE_MS * 6)
        .hgetall(key)
        .exec();
      const all = (res?.[2]?.[1] ?? {}) as Record<string, string>;
      const next: DriftSums[] = [];
      const gone: string[] = [];
      for (const [field, raw] of Object.entries(all)) {
        if (field === owner) continue;
        const parsed = sumsSchema.safeParse(JSON.parse(raw));
        if (!parsed.success || now - parsed.data.at > STALE_MS) gone.push(field);
        else next.push({ model: parsed.data.model, features: parsed.data.features });
      }
      peers = next;
      if (gone.length) await redis.client.hdel(key, ...gone);
    } catch (err) {
      deps.logger.debug({ err }, 'drift figures not exchanged');
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void exchange(), SHARE_MS);
  timer.unref();
  void exchange();
  return () => {
    clearInterval(timer);
    models.shareDrift(null);
    void redis.client.hdel(key, owner).catch(() => undefined);
  };
}
