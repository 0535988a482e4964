/**
 * Cluster-wide A/B figures: each instance scores only the predictions it serves, so every
 * `SHARE_MS` it writes its own totals of the running test into one Redis hash (a field per
 * instance, with the time) and reads the others'. The model manager merges the totals of the same
 * test (counts, means and MAE over all instances; latencies: the slowest instance's). Totals older
 * than `STALE_MS` (an instance gone) are left out. While Redis is unreachable each instance shows
 * its own figures with the last ones it read.
 */
import { z } from 'zod';
import type { Logger } from '../log';
import type { AbTotals, ModelManager } from '../serving/model-manager';
import type { RedisConnection } from './redis';

export const SHARE_MS = 1_000;
const STALE_MS = 10_000;

const totalsSchema = z.object({
  at: z.number(),
  test: z.string().nullable(),
  versions: z.array(
    z.object({
      version: z.string(),
      count: z.number(),
      sumPrediction: z.number(),
      withActual: z.number(),
      sumAbsError: z.number(),
      latencyP50Ms: z.number().nullable(),
      latencyP99Ms: z.number().nullable(),
    }),
  ),
});

/** Starts sharing; returns the stop. */
export function shareAbFigures(deps: {
  redis: RedisConnection;
  owner: string;
  models: Pick<ModelManager, 'abTotals' | 'setPeerAbTotals'>;
  logger: Logger;
}): () => void {
  const { redis, owner, models } = deps;
  const key = `${redis.prefix}ab-figures`;
  let peers: AbTotals[] = [];
  let busy = false;
  models.setPeerAbTotals(() => peers);

  async function exchange(): Promise<void> {
    if (busy || !redis.ready()) return;
    busy = true;
    try {
      const now = Date.now();
      const mine = models.abTotals();
      const [, , all] = (await redis.client
        .multi()
        .hset(key, owner, JSON.stringify({ at: now, ...mine }))
        .pexpire(key, STALE_MS * 6)
        .hgetall(key)
        .exec()
        .then((res) => res?.map(([err, value]) => (err ? null : value)) ?? [])) as [
        unknown,
        unknown,
        Record<string, string> | null,
      ];
      const next: AbTotals[] = [];
      const gone: string[] = [];
      for (const [field, raw] of Object.entries(all ?? {})) {
        if (field === owner) continue;
        const parsed = totalsSchema.safeParse(JSON.parse(raw));
        if (!parsed.success || now - parsed.data.at > STALE_MS) gone.push(field);
        else next.push({ test: parsed.data.test, versions: parsed.data.versions });
      }
      peers = next;
      if (gone.length) await redis.client.hdel(key, ...gone);
    } catch (err) {
      deps.logger.debug({ err }, 'A/B figures not exchanged');
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void exchange(), SHARE_MS);
  timer.unref();
  void exchange();
  return () => {
    clearInterval(timer);
    models.setPeerAbTotals(() => []);
    void redis.client.hdel(key, owner).catch(() => undefined);
  };
}
