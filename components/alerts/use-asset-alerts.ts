'use client';

import { useEffect, useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { getSocket } from '@/lib/realtime/client-socket';

const RECENT = 200;

/** One asset's recent alerts (newest first), live: for the dashboard's chart markers. */
export function useAssetAlerts(assetId: string): AlertEvent[] {
  const [state, setState] = useState<{ assetId: string; alerts: AlertEvent[] }>({ assetId, alerts: [] });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let cancelled = false;
    fetch(`/api/v1/alerts?assetId=${encodeURIComponent(assetId)}&limit=${RECENT}`, { cache: 'no-store' })
      .then((res) => (res.ok ? (res.json() as Promise<{ alerts: AlertEvent[] }>) : { alerts: [] }))
      .then(
        (body) => {
          if (!cancelled) setState({ assetId, alerts: body.alerts });
        },
        () => {},
      );
    return () => {
      cancelled = true;
    };
  }, [assetId, reloads]);

  useEffect(() => {
    const socket = getSocket();
    const apply = (a: AlertEvent) => {
      if (a.assetId !== assetId) return;
      setState((s) => (s.assetId !== assetId ? s : { assetId, alerts: [a, ...s.alerts.filter((x) => x.id !== a.id)].slice(0, RECENT) }));
    };
    const reload = () => setReloads((n) => n + 1);
    socket.on('alert:raised', apply);
    socket.on('alert:updated', apply);
    socket.on('connect', reload);
    return () => {
      socket.off('alert:raised', apply);
      socket.off('alert:updated', apply);
      socket.off('connect', reload);
    };
  }, [assetId]);

  return state.assetId === assetId ? state.alerts : [];
}
