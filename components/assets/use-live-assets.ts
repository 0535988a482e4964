'use client';

/**
 * The asset list, kept live (issue 15): when an admin creates, edits or retires an asset, the
 * server says `assets:changed` and every open picker reloads the list once per tab (one shared
 * fetch whatever the number of pickers). After a reconnect it reloads too: changes announced
 * while the socket was down are lost. Until the first change the page's own list is used.
 */
import { useSyncExternalStore } from 'react';
import { apiCall } from '@/lib/client/api-client';
import { getSocket } from '@/lib/realtime/client-socket';
import { listenToSocket } from '@/lib/realtime/use-socket-events';
import type { AssetInfo } from '@/lib/twin/types';

let current: AssetInfo[] | null = null;
const listeners = new Set<() => void>();
let stop: (() => void) | null = null;
let loading: Promise<void> | null = null;
let again = false;

function reload(): void {
  // One fetch at a time; a change announced meanwhile fetches once more after it.
  if (loading) {
    again = true;
    return;
  }
  loading = apiCall<{ assets: AssetInfo[] }>('/api/v1/assets').then((res) => {
    loading = null;
    if (res.ok) {
      current = res.data.assets;
      for (const l of listeners) l();
    }
    if (again) {
      again = false;
      reload();
    }
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!stop) {
    // A connect after an earlier one is a reconnect: reload. The very first one is not.
    let connectedBefore = getSocket().connected;
    stop = listenToSocket({ 'assets:changed': reload }, () => {
      if (connectedBefore) reload();
      connectedBefore = true;
    });
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && stop) {
      stop();
      stop = null;
    }
  };
}

/** The live asset list; `initial` (the page's server-rendered list) until something changed. */
export function useLiveAssets<T extends { id: string; name: string }>(
  initial: readonly T[],
): readonly (T | AssetInfo)[] {
  const live = useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
  return live ?? initial;
}
