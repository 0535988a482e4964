'use client';

import { useEffect, useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';

const RECENT = 200;

/** One asset's recent alerts (newest first), live: for the dashboard's chart markers. */
export function useAssetAlerts(assetId: string): AlertEvent[] {
  const [state, setState] = useState<{ assetId: string; alerts: AlertEvent[] }>({ assetId, alerts: [] });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    requestJson<{ alerts: AlertEvent[] }>(`/api/v1/alerts?assetId=${encodeURIComponent(assetId)}&limit=${RECENT}`, {
      signal: ctrl.signal,
    }).then(
      (body) => {
        if (!ctrl.signal.aborted) setState({ assetId, alerts: body.alerts });
      },
      () => {
        // Markers are a garnish: keep what is shown; a newly chosen asset starts empty (and live).
        if (!ctrl.signal.aborted) setState((s) => (s.assetId === assetId ? s : { assetId, alerts: [] }));
      },
    );
    return () => ctrl.abort();
  }, [assetId, reloads]);

  const apply = (a: AlertEvent) => {
    if (a.assetId !== assetId) return;
    setState((s) =>
      s.assetId !== assetId ? s : { assetId, alerts: [a, ...s.alerts.filter((x) => x.id !== a.id)].slice(0, RECENT) },
    );
  };
  useSocketEvents({ 'alert:raised': apply, 'alert:updated': apply }, () => setReloads((n) => n + 1));

  return state.assetId === assetId ? state.alerts : [];
}
