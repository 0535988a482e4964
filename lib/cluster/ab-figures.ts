/**
 * Cluster-wide A/B figures: each instance scores only the predictions it serves, so it shares its
 * own totals of the running test with the others (peer-figures.ts). The model manager merges the
 * totals of the same test (counts, means and MAE over all instances; latencies: the slowest
 * instance's). While Redis is unreachable each instance shows its own figures with the last ones
 * it read.
 */
import { z } from 'zod';
import type { Logger } from '../log';
import type { ModelManager } from '../serving/model-manager';
import { sharePeerFigures } from './peer-figures';
import type { RedisConnection } from './redis';

export { SHARE_MS } from './peer-figures';

const totalsSchema = z.object({
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
  const exchange = sharePeerFigures({
    redis: deps.redis,
    owner: deps.owner,
    name: 'ab-figures',
    schema: totalsSchema,
    mine: () => deps.models.abTotals(),
    logger: deps.logger,
  });
  deps.models.setPeerAbTotals(exchange.peers);
  return () => {
    exchange.stop();
    deps.models.setPeerAbTotals(() => []);
  };
}
