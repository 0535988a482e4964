'use client';

import { useEffect, useRef, useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';

const RECENT = 200;

/** `a` on top of `list`, replacing its earlier state. */
const withEvent = (list: AlertEvent[], a: AlertEvent) => [a, ...list.filter((x) => x.id !== a.id)].slice(0, RECENT);

/** One asset's recent alerts (newest first), live: for the dashboard's chart markers. */
export function useAssetAlerts(assetId: string): AlertEvent[] {
  const [state, setState] = useState<{ assetId: string; alerts: AlertEvent[] }>({ assetId, alerts: [] });
  const [reloads, setReloads] = useState(0);
  // Events received while a load is in flight: its answer may have been read before them, so they
  // are applied again on top of it (as in open-alerts-store.ts).
  const meanwhile = useRef<AlertEvent[] | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const seen: AlertEvent[] = [];
    meanwhile.current = seen;
    requestJson<{ alerts: AlertEvent[] }>(`/api/v1/alerts?assetId=${encodeURIComponent(assetId)}&limit=${RECENT}`, {
      signal: ctrl.signal,
    })
      .then(
        (body) => {
          if (!ctrl.signal.aborted) setState({ assetId, alerts: seen.reduce(withEvent, body.alerts) });
        },
        () => {
          // Markers are a garnish: keep what is shown; a newly chosen asset starts empty (and live).
          if (!ctrl.signal.aborted) setState((s) => (s.assetId === assetId ? s : { assetId, alerts: [] }));
        },
      )
      .finally(() => {
        if (meanwhile.current === seen) meanwhile.current = null;
      });
    return () => {
      ctrl.abort();
      if (meanwhile.current === seen) meanwhile.current = null;
    };
  }, [assetId, reloads]);

  const apply = (a: AlertEvent) => {
    if (a.assetId !== assetId) return;
    meanwhile.current?.push(a);
    setState((s) => (s.assetId !== assetId ? s : { assetId, alerts: withEvent(s.alerts, a) }));
  };
  useSocketEvents({ 'alert:raised': apply, 'alert:updated': apply }, () => setReloads((n) => n + 1));

  return state.assetId === assetId ? state.alerts : [];
}
