'use client';

import type { SourceStatus } from '@/lib/realtime/protocol';
import { formatTime } from './format';

/** "No data since 14:03:12" over the cards while the asset's source is stale or offline. */
export function SourceNotice({ status, assetName }: { status: SourceStatus | null; assetName: string }) {
  if (!status || status.state === 'live') return null;
  const since =
    status.lastTs === null ? (
      'no data yet'
    ) : (
      <>
        no data since <time dateTime={new Date(status.lastTs).toISOString()}>{formatTime(status.lastTs)}</time>
      </>
    );
  return (
    <p className="source-notice" role="status" data-testid="source-status" data-state={status.state}>
      <strong>
        {assetName}: source {status.state}
        {status.reason ? ` (${status.reason})` : ''}
      </strong>{' '}
      · {since}
    </p>
  );
}
