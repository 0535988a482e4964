'use client';

import { useCallback, useMemo, useState } from 'react';
import { annotationMarks } from './annotation-marks';
import { clickDraft, clickedTs, type Draft } from './annotation-draft';
import { useAnnotations } from './use-annotations';

/**
 * Everything a chart page needs for annotations: the live list of the asset's notes, the marks
 * for `[from, to]`, the "Annotate" draft and the chart-click handler that fills it.
 */
export function useChartAnnotations(
  assetId: string,
  fetchFrom: number,
  fetchTo: number | undefined,
  view: { from: number; to: number },
  zone: string,
) {
  const { annotations, upsert, remove } = useAnnotations(assetId, fetchFrom, fetchTo);
  const [draft, setDraft] = useState<Draft | null>(null);
  const inView = useMemo(
    () => annotations.filter((a) => a.start <= view.to && (a.end ?? a.start) >= view.from),
    [annotations, view.from, view.to],
  );
  const marks = useMemo(() => annotationMarks(inView, view.from, view.to, zone), [inView, view.from, view.to, zone]);
  const onChartClick = useCallback(
    (x: unknown) => {
      if (!draft) return;
      const ts = clickedTs(x, zone);
      if (!Number.isNaN(ts)) setDraft(clickDraft(draft, ts, zone));
    },
    [draft, zone],
  );
  return { inView, marks, draft, setDraft, onChartClick, upsert, remove };
}
