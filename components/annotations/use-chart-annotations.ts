'use client';

import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { annotationMarks, draftMarks } from './annotation-marks';
import { clickDraft, clickedTs, rangeDraft, type Draft } from './annotation-draft';
import { useAnnotations } from './use-annotations';
import type { AlertMarks } from '../dashboard/alert-marks';
import type { PlotProps } from '../plot';

/** The annotation gestures of a chart, spread onto `<Plot>`. */
export type ChartGestures = Pick<PlotProps, 'onPickX' | 'dragMode' | 'onPickRange' | 'onDragModeChange'>;

/**
 * What a drag on the charts does: `zoom` (Plotly's zoom box; double-click zooms out) or `mark`
 * (a horizontal selection that becomes the range of a new note; a click marks a time).
 */
export type DragMode = 'zoom' | 'mark';

/**
 * Everything a chart page needs for annotations: the live list of the asset's notes, the marks
 * for `[from, to]` (the note being written included), the "Annotate" draft, the drag mode and
 * the chart handlers that fill the draft.
 *
 * `canWrite`: operators and admins; for viewers the drag mode stays `zoom` and chart gestures
 * open nothing. `markByDefault`: the page starts in `mark` mode (the live dashboard, where a zoom
 * freezes a moving window and notes are made as things happen; History starts in `zoom`, its
 * way to finer data). `rememberAs`: the mode the user chose (toggle or Plotly's mode bar) is kept
 * in this browser under that name and is where the page starts next time.
 */
export function useChartAnnotations(
  assetId: string,
  fetchFrom: number,
  fetchTo: number | undefined,
  view: { from: number; to: number },
  zone: string,
  {
    canWrite = false,
    markByDefault = false,
    rememberAs,
  }: { canWrite?: boolean; markByDefault?: boolean; rememberAs?: string } = {},
) {
  const { annotations, upsert, remove } = useAnnotations(assetId, fetchFrom, fetchTo);
  const [draft, setDraftState] = useState<Draft | null>(null);
  // This browser's remembered choice; the server renders the page's default (it cannot see it).
  const remembered = useSyncExternalStore(
    subscribeDragModes,
    () => (rememberAs ? readDragMode(rememberAs) : null),
    () => null,
  );
  const [pageMode, setMode] = useState<DragMode | null>(null);
  const chosenMode: DragMode = pageMode ?? remembered ?? (markByDefault ? 'mark' : 'zoom');
  /** The user's own choice: applied and remembered (opening a form switches without remembering). */
  const chooseMode = useCallback(
    (m: DragMode) => {
      setMode(m);
      if (rememberAs) writeDragMode(rememberAs, m);
    },
    [rememberAs],
  );
  const mode: DragMode = canWrite ? chosenMode : 'zoom';
  // Opening the form ("Annotate", "Edit") switches the charts to marking: the next drag or click
  // on a chart is meant for the note. The operator can switch back to zoom while it is open.
  const setDraft = useCallback(
    (d: Draft | null) => {
      if (d && !draft) setMode('mark');
      setDraftState(d);
    },
    [draft],
  );
  const inView = useMemo(
    () => annotations.filter((a) => a.start <= view.to && (a.end ?? a.start) >= view.from),
    [annotations, view.from, view.to],
  );
  const marks: AlertMarks = useMemo(() => {
    const stored = annotationMarks(inView, view.from, view.to, zone);
    const writing = draftMarks(draft, view.from, view.to, zone);
    return writing.shapes.length ? { ...stored, shapes: [...stored.shapes, ...writing.shapes] } : stored;
  }, [inView, draft, view.from, view.to, zone]);

  // A click marks a time: it opens the form in mark mode, and moves the time of an open form in
  // either mode (so zooming in first, then clicking, is a way to pick a precise time).
  const onChartClick = useCallback(
    (x: unknown) => {
      if (!canWrite || (mode !== 'mark' && !draft)) return;
      const ts = clickedTs(x, zone);
      if (!Number.isNaN(ts)) setDraftState(clickDraft(draft, ts, zone));
    },
    [canWrite, mode, draft, zone],
  );
  // A drag in mark mode: the dragged range, form opened (or its times replaced).
  const onChartRange = useCallback(
    (x0: unknown, x1: unknown) => {
      if (!canWrite) return;
      const [a, b] = [clickedTs(x0, zone), clickedTs(x1, zone)];
      if (!Number.isNaN(a) && !Number.isNaN(b)) setDraftState((d) => rangeDraft(d, a, b, zone));
    },
    [canWrite, zone],
  );
  const gestures: ChartGestures = useMemo(
    () =>
      canWrite
        ? { onPickX: onChartClick, dragMode: mode, onPickRange: onChartRange, onDragModeChange: chooseMode }
        : {},
    [canWrite, onChartClick, mode, onChartRange, chooseMode],
  );
  return { inView, marks, draft, setDraft, mode, setMode: chooseMode, gestures, upsert, remove };
}

const storageKey = (page: string) => `twinops:drag-mode:${page}`;

function readDragMode(page: string): DragMode | null {
  try {
    const v = window.localStorage.getItem(storageKey(page));
    return v === 'zoom' || v === 'mark' ? v : null;
  } catch {
    return null; // storage disabled (private mode, policy): the page's default
  }
}

function writeDragMode(page: string, mode: DragMode): void {
  try {
    window.localStorage.setItem(storageKey(page), mode);
  } catch {
    // Not remembered; the choice still applies to this page.
  }
}

/** Other tabs' choices arrive as `storage` events. */
function subscribeDragModes(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  return () => window.removeEventListener('storage', onChange);
}
