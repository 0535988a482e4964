'use client';

import { useState } from 'react';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';

export type ServingModel = { name: string; version: string } | null;

/**
 * The model version serving now: starts from what the page was rendered with and follows the
 * server's `model:changed` events (activation, promotion, degraded mode, recovery) without a reload.
 */
export function useServingModel(initial: ServingModel): ServingModel {
  const [model, setModel] = useState<ServingModel>(initial);
  useSocketEvents({ 'model:changed': setModel });
  return model;
}

/** Calls `fn` on every `model:changed` event. */
export function useOnModelChange(fn: (m: ServingModel) => void): void {
  useSocketEvents({ 'model:changed': fn });
}
