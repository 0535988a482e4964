'use client';

import { useEffect, useState } from 'react';
import type { Annotation } from '@/lib/annotations/types';
import { requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';

const byStart = (a: Annotation, b: Annotation) => a.start - b.start || a.createdAt - b.createdAt;

/**
 * The annotations of one asset (and the plant-wide ones) overlapping `[from, to]` (to absent: up
 * to now and on), kept live from the socket: another user's new note appears without a reload.
 */
export function useAnnotations(assetId: string, from: number, to?: number) {
  const key = `${assetId}/${from}/${to ?? ''}`;
  const [state, setState] = useState<{ key: string; list: Annotation[] }>({ key, list: [] });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    const q = new URLSearchParams({ assetId, from: String(Math.round(from)) });
    if (to !== undefined) q.set('to', String(Math.round(to)));
    requestJson<{ annotations: Annotation[] }>(`/api/v1/annotations?${q}`, { signal: ctrl.signal }).then(
      (body) => {
        if (!ctrl.signal.aborted) setState({ key, list: body.annotations });
      },
      () => {
        // Notes are a garnish on the trends: keep what is shown, a new view starts empty (and live).
        if (!ctrl.signal.aborted) setState((s) => (s.key === key ? s : { key, list: [] }));
      },
    );
    return () => ctrl.abort();
  }, [assetId, from, to, key, reloads]);

  const mine = (a: Pick<Annotation, 'assetId'>) => a.assetId === null || a.assetId === assetId;
  const upsert = (a: Annotation) => {
    if (!mine(a)) return;
    setState((s) => ({ key: s.key, list: [...s.list.filter((x) => x.id !== a.id), a].sort(byStart) }));
  };
  const remove = (a: Pick<Annotation, 'id'>) =>
    setState((s) => ({ key: s.key, list: s.list.filter((x) => x.id !== a.id) }));
  useSocketEvents({ 'annotation:created': upsert, 'annotation:updated': upsert, 'annotation:deleted': remove }, () =>
    setReloads((n) => n + 1),
  );

  return { annotations: state.key === key ? state.list : [], upsert, remove };
}
