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
  let peers: ReturnType<IngestStatus['ownReport']>[] = [];
  deps.status.setPeerReports(() => peers);
  const stop = sharePeerFigures({
    redis: deps.redis,
    owner: deps.owner,
    name: 'ingest-status',
    schema: ingestStatusReportSchema,
    mine: () => deps.status.ownReport(),
    onPeers: (next) => (peers = next),
    logger: deps.logger,
  });
  return () => {
    stop();
    deps.status.setPeerReports(() => []);
  };
}
