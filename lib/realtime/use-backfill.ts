'use client';

import { useEffect, useState } from 'react';
import { requestJson } from '../client/api-client';
import type { HistoryResult } from '../twin/history';
import { applyBackfill, backfillRequest, type AssetStreamState } from './stream-state';

/** Points per signal asked for a backfill: a chart is ~1,000-2,000 px wide. */
const BACKFILL_POINTS = 2_000;

/**
 * When the chosen window is longer than what the live buffer holds (the server restarted, or
 * BUFFER_SECONDS is shorter than the window), loads the stored history for
 * `[window start, oldest buffered)` once and prepends it (stream-state `applyBackfill`: no seam,
 * no duplicate). Returns a counter that grows when a backfill arrived (a redraw signal).
 */
export function useBackfill(state: AssetStreamState | undefined, windowMs: number): number {
  const [applied, setApplied] = useState(0);
  const req = state ? backfillRequest(state, windowMs) : null;
  // Re-evaluated on every render (each buffer revision), but one request per missing range.
  const key = req && state ? `${state.assetId}/${state.epoch}/${Math.round(req.to)}/${windowMs}` : null;

  useEffect(() => {
    if (!key || !state) return;
    const range = backfillRequest(state, windowMs);
    if (!range) return;
    const ctrl = new AbortController();
    const q = new URLSearchParams({
      from: String(Math.floor(range.from)),
      to: String(Math.ceil(range.to) - 1),
      maxPoints: String(BACKFILL_POINTS),
    });
    requestJson<HistoryResult>(`/api/v1/assets/${encodeURIComponent(state.assetId)}/history?${q}`, {
      signal: ctrl.signal,
    }).then(
      (body) => {
        // Even an empty answer marks the range as covered, so it is not asked again.
        applyBackfill(state, range, body.series);
        setApplied((n) => n + 1);
      },
      // Refused or offline: the range stays uncovered and is asked again on the next change.
      () => {},
    );
    return () => ctrl.abort();
  }, [key, state, windowMs]);

  return applied;
}
