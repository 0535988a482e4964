'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';

/** Left and right margins of the dashboard's plots (figures.ts `baseLayout`): not drawn on. */
const PLOT_MARGINS_PX = 88;
/** Before the box is measured: a typical desktop plot. */
const DEFAULT_COLUMNS = 1_100;
/** A live chart moves at least this often, however long its window and narrow its plot. */
export const MAX_REDRAW_INTERVAL_MS = 5_000;
/**
 * ...and at most this often: a trend updated once a second, as HMI trend displays commonly are
 * (the cards beside it show every reading as it comes). Each redraw of the two charts costs
 * ~50-200 ms of main thread in software-rendered Chromium (bench:browser), whatever the window.
 */
export const MIN_REDRAW_INTERVAL_MS = 1_000;

/** Pixel columns of the plot inside `box` (its width less the axes' margins), kept up to date. */
export function usePlotColumns(box: RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(DEFAULT_COLUMNS);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setColumns(Math.max(100, Math.round(el.clientWidth - PLOT_MARGINS_PX)));
    measure();
    const obs = new ResizeObserver(measure);
    obs.observe(el);
    return () => obs.disconnect();
  }, [box]);
  return columns;
}

/**
 * How often a live window needs redrawing: when its end has moved by one pixel column (a sooner
 * redraw moves nothing on screen), within [MIN_REDRAW_INTERVAL_MS, MAX_REDRAW_INTERVAL_MS]. The
 * 60-minute window on a 1,100 px plot has 3.3 s columns; redrawing it on every 10 Hz reading kept
 * the browser's main thread ~90 % busy (bench:browser).
 */
export function redrawIntervalMs(windowMs: number, columns: number): number {
  return Math.max(MIN_REDRAW_INTERVAL_MS, Math.min(MAX_REDRAW_INTERVAL_MS, windowMs / Math.max(1, columns)));
}

/** What a chart draws: a buffer revision and the window's end at that revision. */
export interface Drawn {
  revision: number;
  endTs: number;
}

/**
 * Throttles what a live chart draws: a new `resetKey` (asset, window, pause, backfill, width) is
 * drawn at once; new revisions at most every `intervalMs`, the newest one each time (a trailing
 * draw included, so the last reading before a source stops is drawn too). Between draws the
 * returned object keeps its identity, so the charts' memoized figures do not change.
 */
export function useThrottledDraw(drawn: Drawn, resetKey: string, intervalMs: number): Drawn {
  const [shown, setShown] = useState({ ...drawn, resetKey });
  const latest = useRef({ ...drawn, resetKey });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = { ...drawn, resetKey };
  });
  const stale = shown.revision !== drawn.revision || shown.endTs !== drawn.endTs;
  useEffect(() => {
    if (!stale || timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      setShown(latest.current);
    }, intervalMs);
  }, [stale, shown, intervalMs]);
  useEffect(() => () => clearTimeout(timer.current), []);
  if (shown.resetKey !== resetKey) {
    setShown({ ...drawn, resetKey });
    return drawn;
  }
  return shown;
}
