'use client';

import { useSyncExternalStore } from 'react';
import { localTimeZone } from './zoned';

const noSubscribe = () => () => {};
const serverZone = () => null;

/**
 * The browser's time zone, null while server rendering and hydrating (so the server's zone
 * never leaks into the page and hydration matches), then the browser's.
 */
export function useBrowserTimeZone(): string | null {
  return useSyncExternalStore(noSubscribe, localTimeZone, serverZone);
}

/** The zone times are shown in: the user's choice, else the browser's (UTC until known). */
export function useDisplayTimeZone(chosen: string | null): string {
  const browser = useBrowserTimeZone();
  return chosen ?? browser ?? 'UTC';
}
