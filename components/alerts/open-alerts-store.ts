'use client';

/**
 * The open alarms operators see (active_unacked, active_acked, rtn_unacked: not shelved, suppressed, out
 * of service, not closed) of the whole console, for the header's badge and
 * banner: loaded from the API once per tab, then kept current by `alert:raised` / `alert:updated`
 * on the shared socket, and reloaded after every reconnect (events may have been missed). Read
 * with `useOpenAlerts()`; survives page navigations like the socket itself.
 */
import { useSyncExternalStore } from 'react';
import { listenToSocket } from '@/lib/realtime/use-socket-events';
import { byPriorityThenTime, OPERATOR_STATES, type AlertEvent } from '@/lib/alerts/types';
import { requestJson } from '@/lib/client/api-client';

let open: AlertEvent[] = [];
let started = false;
const listeners = new Set<() => void>();
/**
 * The events received while each reload is in flight. A reload's answer may have been read before
 * an alarm was raised and arrive after its event (seen in the browser tests: the banner showed
 * the alarm, then the page-load reload's answer emptied it); those events are applied again on
 * top of the answer, in order, so the newest state of each alarm wins.
 */
const duringReloads = new Set<AlertEvent[]>();

function set(next: AlertEvent[]) {
  open = next.sort(byPriorityThenTime);
  for (const l of listeners) l();
}

/** Applies one event: an alarm operators see is kept, a closed, shelved or out-of-service one goes. */
export function applyAlertEvent(list: AlertEvent[], alert: AlertEvent): AlertEvent[] {
  const rest = list.filter((a) => a.id !== alert.id);
  return OPERATOR_STATES.includes(alert.state) ? [alert, ...rest] : rest;
}

/** A reload's answer with the events received while it was in flight applied again, in order. */
export function afterReload(answer: AlertEvent[], seenMeanwhile: readonly AlertEvent[]): AlertEvent[] {
  return seenMeanwhile.reduce(applyAlertEvent, answer);
}

async function reload(): Promise<void> {
  const seen: AlertEvent[] = [];
  duringReloads.add(seen);
  try {
    const body = await requestJson<{ alerts: AlertEvent[] }>('/api/v1/alerts?state=open&limit=1000');
    set(afterReload(body.alerts, seen));
  } catch {
    // Offline or refused: the socket's reconnect reloads.
  } finally {
    duringReloads.delete(seen);
  }
}

function start() {
  if (started) return;
  started = true;
  const apply = (a: AlertEvent) => {
    for (const seen of duringReloads) seen.push(a);
    set(applyAlertEvent(open, a));
  };
  listenToSocket({ 'alert:raised': apply, 'alert:updated': apply }, () => void reload());
  void reload();
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const EMPTY: AlertEvent[] = [];

/** The console's open alerts, newest first. */
export function useOpenAlerts(): AlertEvent[] {
  return useSyncExternalStore(
    subscribe,
    () => open,
    () => EMPTY,
  );
}
