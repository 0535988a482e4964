'use client';

import { useEffect, useState } from 'react';
import type { HistoryResult } from '@/lib/twin/history';
import { errorMessage, requestJson } from '@/lib/client/api-client';

/** Points per signal asked of the server: about one per pixel of a wide chart. */
export const HISTORY_MAX_POINTS = 2_000;

export interface HistoryFetch {
  data: HistoryResult | null;
  error: string | null;
  /** true until the answer for the current request arrives. */
  loading: boolean;
}

/** One asset's stored history for `[from, to]` (null range: nothing fetched), refetched when it changes. */
export function useHistory(assetId: string, range: { from: number; to: number } | null): HistoryFetch {
  const [result, setResult] = useState<{ key: string; data: HistoryResult | null; error: string | null } | null>(null);
  const from = range ? Math.round(range.from) : null;
  const to = range ? Math.round(range.to) : null;
  const key = `${assetId}/${from}/${to}`;
  useEffect(() => {
    if (from === null || to === null) return;
    const ctrl = new AbortController();
    const q = new URLSearchParams({ from: String(from), to: String(to), maxPoints: String(HISTORY_MAX_POINTS) });
    requestJson<HistoryResult>(`/api/v1/assets/${encodeURIComponent(assetId)}/history?${q}`, {
      signal: ctrl.signal,
    }).then(
      (data) => {
        if (!ctrl.signal.aborted) setResult({ key, data, error: null });
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setResult({ key, data: null, error: errorMessage(err) });
      },
    );
    return () => ctrl.abort();
  }, [assetId, from, to, key]);
  if (from === null) return { data: null, error: null, loading: false };
  const current = result?.key === key ? result : null;
  return { data: current?.data ?? null, error: current?.error ?? null, loading: current === null };
}
