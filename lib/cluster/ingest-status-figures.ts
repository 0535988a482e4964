/**
 * The plant connection's status cluster-wide: a gateway's readings reach whichever instance the
 * balancer or the broker's shared subscription picked, so each instance shares its own ingest
 * status (last accepted and refused message per asset, Sparkplug device states, recent refusals)
 * through the peer-figures exchange, and the admin page on any instance shows them all
 * (lib/ingest/ingest-status.ts merges them).
 */
import type { IngestStatus } from '../ingest/ingest-status';
import { ingestStatusReportSchema } from '../ingest/ingest-status-schema';
import type { Logger } from '../log';
import { sharePeerFigures } from './peer-figures';
import type { RedisConnection } from './redis';

/** Starts sharing; returns the stop. */
export function shareIngestStatus(deps: {
  redis: RedisConnection;
  owner: string;
  status: Pick<IngestStatus, 'ownReport' | 'setPeerReports'>;
  logger: Logger;
}): () => void {
  const exchange = sharePeerFigures({
    redis: deps.redis,
    owner: deps.owner,
    name: 'ingest-status',
    schema: ingestStatusReportSchema,
    mine: () => deps.status.ownReport(),
    logger: deps.logger,
  });
  deps.status.setPeerReports(exchange.peers);
  return () => {
    exchange.stop();
    deps.status.setPeerReports(() => []);
  };
}
