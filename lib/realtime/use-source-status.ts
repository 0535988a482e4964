'use client';

import { useCallback, useEffect, useState } from 'react';
import { getSocket } from './client-socket';
import type { SourceStatus } from './protocol';
import { useSocketEvents } from './use-socket-events';

/**
 * Every asset's source status (live / stale / offline), kept current: all of them are asked for
 * on mount and after every reconnect (changes sent while disconnected are lost), changes arrive
 * as `asset:status`. Returns the status of `assetId`, or null while unknown.
 */
export function useSourceStatus(assetId: string): SourceStatus | null {
  const [statuses, setStatuses] = useState<Record<string, SourceStatus>>({});
  const merge = useCallback((list: SourceStatus[]) => {
    setStatuses((old) => {
      const next = { ...old };
      // A status answered late must not undo a newer change that came as an event meanwhile.
      for (const s of list) if (!next[s.assetId] || next[s.assetId]!.changedAt <= s.changedAt) next[s.assetId] = s;
      return next;
    });
  }, []);
  const load = useCallback(() => {
    getSocket().emit('asset:statuses', (list) => merge(list));
  }, [merge]);
  useSocketEvents({ 'asset:status': (s) => merge([s]) }, load);
  useEffect(() => {
    if (getSocket().connected) load();
  }, [load]);
  return statuses[assetId] ?? null;
}
