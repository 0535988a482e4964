/**
 * Chart marks of annotations (issue 18): a solid violet vertical line for a point in time, a
 * violet shaded rectangle for a range, each with a "✎" label carrying the note on hover. Alert
 * markers (components/dashboard/alert-marks.ts) are dotted red/amber lines labelled "⚠": the two
 * never look alike. Pure.
 */
import type { Annotations, Shape } from 'plotly.js';
import type { Annotation } from '@/lib/annotations/types';
import { fromLocalInput, localTimeZone, plotlyTime } from '@/lib/time/zoned';
import { CHART_COLORS, plotText } from '../charts/theme';
import { NO_MARKS, type AlertMarks } from '../dashboard/alert-marks';
import type { Draft } from './annotation-draft';

const MAX_MARKS = 60;

/** Marks of the annotations overlapping `[from, to]` (epoch ms), drawn in `timeZone`'s wall clock. */
export function annotationMarks(
  list: Annotation[],
  from: number,
  to: number,
  timeZone: string,
  localZone = localTimeZone(),
): AlertMarks {
  const inView = list.filter((a) => a.start <= to && (a.end ?? a.start) >= from).slice(-MAX_MARKS);
  const x = (ts: number) => plotlyTime(ts, timeZone, localZone);
  const shapes: Partial<Shape>[] = inView.map((a) =>
    a.end === null
      ? {
          type: 'line',
          name: `annotation-${a.id}`,
          xref: 'x',
          yref: 'paper',
          x0: x(a.start),
          x1: x(a.start),
          y0: 0,
          y1: 1,
          line: { color: CHART_COLORS.annotation, width: 1.5 },
          layer: 'above',
        }
      : {
          type: 'rect',
          name: `annotation-${a.id}`,
          xref: 'x',
          yref: 'paper',
          x0: x(Math.max(a.start, from)),
          x1: x(Math.min(a.end, to)),
          y0: 0,
          y1: 1,
          fillcolor: CHART_COLORS.annotationFill,
          line: { color: CHART_COLORS.annotation, width: 1 },
          layer: 'below',
        },
  );
  const annotations: Partial<Annotations>[] = inView.map((a, i) => ({
    name: `annotation-${a.id}`,
    text: '✎',
    x: x(Math.max(a.start, from)),
    xref: 'x',
    // Staggered below the top edge, so close notes do not overprint (alert labels sit at the bottom).
    y: 1 - (i % 3) * 0.07,
    yref: 'paper',
    yanchor: 'top',
    xanchor: 'left',
    showarrow: false,
    font: { color: CHART_COLORS.annotation, size: 13 },
    hovertext: `${plotText(a.note)}<br>— ${plotText(a.authorUsername)}`,
    captureevents: true,
  }));
  return { shapes, annotations };
}

/**
 * The note being written, while its form is open: a dashed violet line (a time) or a dashed
 * outline (a range), so the operator sees what the click or drag picked after Plotly's own
 * selection box is gone. Named `draft-annotation` (stored notes are `annotation-<id>`).
 */
export function draftMarks(
  draft: Draft | null,
  from: number,
  to: number,
  timeZone: string,
  localZone = localTimeZone(),
): AlertMarks {
  if (!draft) return NO_MARKS;
  const start = fromLocalInput(draft.start, timeZone);
  const end = draft.end ? fromLocalInput(draft.end, timeZone) : start;
  if (Number.isNaN(start) || Number.isNaN(end) || end < start || start > to || end < from) return NO_MARKS;
  const x0 = plotlyTime(Math.max(start, from), timeZone, localZone);
  const x1 = plotlyTime(Math.min(end, to), timeZone, localZone);
  const shape: Partial<Shape> = {
    type: end > start ? 'rect' : 'line',
    name: 'draft-annotation',
    xref: 'x',
    yref: 'paper',
    x0,
    x1,
    y0: 0,
    y1: 1,
    line: { color: CHART_COLORS.annotation, width: 1.5, dash: 'dash' },
    layer: 'above',
  };
  return { shapes: [shape], annotations: [] };
}
