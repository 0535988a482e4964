'use client';

import { useEffect, useState } from 'react';
import { getSocket } from '@/lib/realtime/client-socket';

export type ServingModel = { name: string; version: string } | null;

/**
 * The model version serving now: starts from what the page was rendered with and follows the
 * server's `model:changed` events (activation, promotion, degraded mode, recovery) without a reload.
 */
export function useServingModel(initial: ServingModel): ServingModel {
  const [model, setModel] = useState<ServingModel>(initial);
  useEffect(() => {
    const socket = getSocket();
    const onChange = (m: ServingModel) => setModel(m);
    socket.on('model:changed', onChange);
    return () => {
      socket.off('model:changed', onChange);
    };
  }, []);
  return model;
}

/** Calls `fn` on every `model:changed` event. */
export function useOnModelChange(fn: (m: ServingModel) => void): void {
  useEffect(() => {
    const socket = getSocket();
    socket.on('model:changed', fn);
    return () => {
      socket.off('model:changed', fn);
    };
  }, [fn]);
}
