'use client';

import { useCallback, useMemo, useState } from 'react';
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
 * way to finer data).
 */
export function useChartAnnotations(
  assetId: string,
  fetchFrom: number,
  fetchTo: number | undefined,
  view: { from: number; to: number },
  zone: string,
  { canWrite = false, markByDefault = false }: { canWrite?: boolean; markByDefault?: boolean } = {},
) {
  const { annotations, upsert, remove } = useAnnotations(assetId, fetchFrom, fetchTo);
  const [draft, setDraftState] = useState<Draft | null>(null);
  const [chosenMode, setMode] = useState<DragMode>(markByDefault ? 'mark' : 'zoom');
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
      canWrite ? { onPickX: onChartClick, dragMode: mode, onPickRange: onChartRange, onDragModeChange: setMode } : {},
    [canWrite, onChartClick, mode, onChartRange],
  );
  return { inView, marks, draft, setDraft, mode, setMode, gestures, upsert, remove };
}
