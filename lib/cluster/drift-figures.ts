/**
 * Cluster-wide drift figures (issue 16): each instance scores, and so watches for drift, only the
 * readings of the assets it owns. It shares the sums of its window (counting only the assets it
 * owns now; lib/serving/drift-summary.ts) with the others (peer-figures.ts); the model manager
 * adds up the sums of the instances serving the same model, so the admin's drift page and the
 * drift alarms (fed by one instance) judge every asset's readings. While Redis is unreachable
 * each instance shows its own window with the last sums it read.
 */
import { z } from 'zod';
import type { Logger } from '../log';
import type { ModelManager } from '../serving/model-manager';
import { sharePeerFigures } from './peer-figures';
import type { RedisConnection } from './redis';

const sumsSchema = z.object({
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
  const exchange = sharePeerFigures({
    redis: deps.redis,
    owner: deps.owner,
    name: 'drift-figures',
    schema: sumsSchema,
    mine: () => deps.models.driftSums(),
    logger: deps.logger,
  });
  deps.models.shareDrift({ owns: deps.owns, peers: exchange.peers });
  return () => {
    exchange.stop();
    deps.models.shareDrift(null);
  };
}
