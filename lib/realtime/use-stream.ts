'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Point } from '../twin/types';
import { getSocket } from './client-socket';
import { requestSnapshot } from './request-snapshot';
import {
  applyPoint,
  applySnapshot,
  StreamStates,
  subscribeRequest,
  type AssetStreamState,
  type BufferLimits,
} from './stream-state';

/** Views re-render at most this often, however fast points arrive (~10 per second). */
const MIN_RENDER_INTERVAL_MS = 100;
const SUBSCRIBE_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 2_000;
/** After this many resumes in a row that did not close a gap, ask for a full snapshot. */
const MAX_RESUMES = 2;

export type StreamStatus = 'subscribing' | 'live' | 'resyncing' | 'error';

export interface StreamView {
  /** The asset's buffered points and seq bookkeeping; undefined until the first subscribe starts. */
  state: AssetStreamState | undefined;
  /**
   * Grows whenever the buffer (or status) changed, at most ~10 times a second: the signal for
   * views to rebuild their plot arrays.
   */
  revision: number;
  status: StreamStatus;
  error: string | null;
}

/**
 * Per-hook store: the per-asset states plus a render throttle. Points are applied as they come;
 * React hears about them through `revision`, bumped at most every MIN_RENDER_INTERVAL_MS and on
 * an animation frame (so hidden tabs do not redraw at all).
 */
class StreamStore {
  readonly states: StreamStates;
  private readonly listeners = new Set<() => void>();
  private readonly statuses = new Map<string, { status: StreamStatus; error: string | null }>();
  private revision = 0;
  private lastRender = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private frame: number | undefined;

  constructor(limits: BufferLimits) {
    this.states = new StreamStates(limits);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.cancel();
    };
  };

  getRevision = (): number => this.revision;

  status(assetId: string): { status: StreamStatus; error: string | null } {
    return this.statuses.get(assetId) ?? { status: 'subscribing', error: null };
  }

  setStatus(assetId: string, status: StreamStatus, error: string | null = null): void {
    const prev = this.statuses.get(assetId);
    if (prev?.status === status && prev.error === error) return;
    this.statuses.set(assetId, { status, error });
    this.changed();
  }

  /** Something changed: schedule one render (never more than one pending). */
  changed(): void {
    if (this.timer !== undefined || this.frame !== undefined) return;
    const wait = Math.max(0, this.lastRender + MIN_RENDER_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.lastRender = performance.now();
        this.revision++;
        for (const l of this.listeners) l();
      });
    }, wait);
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.timer = undefined;
    this.frame = undefined;
  }
}

const serverRevision = () => 0;

/**
 * The live stream of `assetId`: subscribes on mount and on asset change (snapshot in the ack and,
 * when large, the chunks after it; then `stream:points`), unsubscribes on cleanup, resubscribes
 * with the last seq held after a gap or a reconnect so exactly the missed points arrive. `limits`
 * is read once (from the catalog).
 */
export function useStream(assetId: string, limits: BufferLimits): StreamView {
  const [store] = useState(() => new StreamStore(limits));
  const revision = useSyncExternalStore(store.subscribe, store.getRevision, serverRevision);

  useEffect(() => {
    const socket = getSocket();
    const state = store.states.open(assetId);
    store.changed();
    let closed = false;
    /** Identifies the newest subscribe; acks of older ones are ignored. */
    let attempt = 0;
    let inFlight = false;
    let resumes = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    /** Abandons the subscribe in flight (its acknowledgement and chunks are then ignored). */
    let abandon: (() => void) | undefined;

    const subscribe = () => {
      clearTimeout(retry);
      abandon?.();
      abandon = undefined;
      // A disconnected socket would buffer the emit and send it after 'connect', which subscribes too.
      if (closed || !socket.connected) return;
      const id = ++attempt;
      inFlight = true;
      store.setStatus(assetId, state.synced ? 'resyncing' : 'subscribing');
      const req = subscribeRequest(state, Date.now(), { fresh: resumes > MAX_RESUMES });
      // Until a large snapshot's last chunk is in, inFlight stays true: live points cannot come
      // before it (the server joins the room with the last chunk), and gaps are left to it.
      abandon = requestSnapshot(
        socket,
        req,
        (res) => {
          if (closed || id !== attempt) return;
          abandon = undefined;
          inFlight = false;
          if (res.kind === 'failed') {
            store.setStatus(assetId, 'resyncing', 'the server did not answer; retrying');
            retry = setTimeout(subscribe, RETRY_DELAY_MS);
            return;
          }
          if (res.kind === 'refused') {
            store.setStatus(assetId, 'error', res.error);
            return;
          }
          const outcome = applySnapshot(state, res.snapshot, Date.now());
          store.changed();
          if (outcome.kind === 'resync') {
            resumes++;
            subscribe();
            return;
          }
          resumes = 0;
          store.setStatus(assetId, 'live');
        },
        { timeoutMs: SUBSCRIBE_TIMEOUT_MS },
      );
    };

    const onPoints = (msg: { assetId: string; points: Point[] }) => {
      if (msg.assetId !== assetId) return;
      const now = Date.now();
      let appended = false;
      for (const point of msg.points) {
        const outcome = applyPoint(state, point, now);
        if (outcome === 'appended') appended = true;
        else if (outcome === 'gap') {
          // While a subscribe is in flight its ack brings the missing points; either way the
          // rest of this frame comes after the gap, so it is left to the resume too.
          if (!inFlight) {
            resumes++;
            subscribe();
          }
          break;
        }
      }
      if (appended) store.changed();
    };
    // First connect, or back after a disconnect: the server forgot our rooms; resume from lastSeq.
    const onConnect = () => subscribe();
    const onDisconnect = () => {
      attempt++;
      inFlight = false;
      clearTimeout(retry);
      abandon?.();
      abandon = undefined;
    };

    socket.on('stream:points', onPoints);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    subscribe();
    return () => {
      closed = true;
      clearTimeout(retry);
      abandon?.();
      socket.off('stream:points', onPoints);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      if (socket.connected) socket.emit('stream:unsubscribe', { assetId });
    };
  }, [assetId, store]);

  const { status, error } = store.status(assetId);
  return { state: store.states.get(assetId), revision, status, error };
}
