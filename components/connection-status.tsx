'use client';

import { useSyncExternalStore } from 'react';
import { connectionSnapshot, serverConnectionSnapshot, subscribeConnection } from '@/lib/realtime/client-socket';

/** Shows whether this tab's authenticated socket.io connection is up, and as whom. */
export function ConnectionStatus() {
  const { state, session } = useSyncExternalStore(subscribeConnection, connectionSnapshot, serverConnectionSnapshot);
  return (
    <p data-testid="connection-state" data-state={state}>
      <span className="status-dot" data-state={state} aria-hidden />
      {state}
      {session && state === 'live' ? <span className="muted"> as {session.username}</span> : null}
    </p>
  );
}
