'use client';

import { useEffect, useEffectEvent } from 'react';
import { getSocket } from './client-socket';
import type { ServerToClientEvents } from './protocol';

export type SocketHandlers = { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] };

/**
 * Listens to `handlers`' events on the tab's shared socket and calls `onReconnect` after every
 * (re)connect: events sent while the socket was down are lost, so whoever keeps a copy of server
 * state reloads it then. Returns the function that stops listening. For stores that live outside
 * React; components use `useSocketEvents`.
 */
export function listenToSocket(handlers: SocketHandlers, onReconnect?: () => void): () => void {
  const socket = getSocket();
  // socket.io's typed `on` cannot take a union of event names; each pair is matched by SocketHandlers.
  const untyped = socket as unknown as {
    on(event: string, fn: (...args: never[]) => void): void;
    off(event: string, fn: (...args: never[]) => void): void;
  };
  const pairs = Object.entries(handlers) as [string, (...args: never[]) => void][];
  for (const [event, fn] of pairs) untyped.on(event, fn);
  if (onReconnect) socket.on('connect', onReconnect);
  return () => {
    for (const [event, fn] of pairs) untyped.off(event, fn);
    if (onReconnect) socket.off('connect', onReconnect);
  };
}

/**
 * `listenToSocket` for a component's lifetime. The handlers may change on every render (they see
 * the latest props and state); the subscription is made once per set of event names.
 */
export function useSocketEvents(handlers: SocketHandlers, onReconnect?: () => void): void {
  const dispatch = useEffectEvent((event: keyof ServerToClientEvents, args: unknown[]) =>
    (handlers[event] as ((...a: unknown[]) => void) | undefined)?.(...args),
  );
  const reconnected = useEffectEvent(() => onReconnect?.());
  const events = (Object.keys(handlers) as (keyof ServerToClientEvents)[]).sort().join(' ');
  const listensForReconnect = onReconnect !== undefined;
  useEffect(() => {
    const names = events.split(' ').filter(Boolean) as (keyof ServerToClientEvents)[];
    const forwarders = Object.fromEntries(
      names.map((event) => [event, (...args: unknown[]) => dispatch(event, args)]),
    ) as SocketHandlers;
    return listenToSocket(forwarders, listensForReconnect ? reconnected : undefined);
  }, [events, listensForReconnect]);
}
