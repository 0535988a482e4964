/**
 * Chart marks of annotations (issue 18): a solid violet vertical line for a point in time, a
 * violet shaded rectangle for a range, each with a "✎" label carrying the note on hover. Alert
 * markers (components/dashboard/alert-marks.ts) are dotted red/amber lines labelled "⚠": the two
 * never look alike. Pure.
 */
import type { Annotations, Shape } from 'plotly.js';
import type { Annotation } from '@/lib/annotations/types';
import { localTimeZone, plotlyTime } from '@/lib/time/zoned';
import { CHART_COLORS, plotText } from '../charts/theme';
import type { AlertMarks } from '../dashboard/alert-marks';

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
