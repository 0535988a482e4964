'use client';

import { useSyncExternalStore } from 'react';

/**
 * A clock for "n s ago" labels: one interval for the whole tab, ticking only while something
 * shows it. Reading Date.now() during render would make renders impure; this is an external store.
 */
let now = 0;
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();
const TICK_MS = 1_000;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;
const getServerNow = () => 0;

/** Epoch ms, updated every second; 0 before the first tick (and on the server). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getServerNow);
}
