'use client';

import { useMemo, useState } from 'react';
import type { PlotRelayoutEvent } from 'plotly.js';
import type { SignalInfo } from '@/lib/twin/types';
import { axisTitle } from '../charts/theme';
import { conditionsFigure } from '../dashboard/figures';
import type { Series } from '../dashboard/series';
import { Plot } from '../plot';
import type { ChartGestures } from '../annotations/use-chart-annotations';
import { withAlertMarks, type AlertMarks } from '../dashboard/alert-marks';

/**
 * An asset's extra signals (level, vibration... from the asset registry) as a chart of their own,
 * each on its own axis, with a checkbox per signal to show or hide its trace. Renders nothing
 * for an asset without extra signals. `series` must carry the extra signals' values.
 */
export function ExtraSignalsPanel({
  assetName,
  extras,
  series,
  uirevision,
  testId,
  imageName,
  onRelayout,
  gestures,
  marks,
}: {
  assetName: string;
  extras: readonly SignalInfo[];
  series: Series | null;
  uirevision: string;
  testId: string;
  imageName: string;
  onRelayout?: (ev: Readonly<PlotRelayoutEvent>) => void;
  /** Annotation by click and drag (components/annotations/use-chart-annotations.ts). */
  gestures?: ChartGestures;
  /** Drawn over the chart as on the page's other charts: alarms, notes (in this order). */
  marks?: readonly AlertMarks[];
}) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const shown = useMemo(() => extras.filter((s) => !hidden.has(s.name)), [extras, hidden]);
  const figure = useMemo(
    () =>
      series && shown.length
        ? conditionsFigure(series, shown, `${uirevision}/${shown.map((s) => s.name).join(',')}`)
        : null,
    [series, shown, uirevision],
  );
  const layout = useMemo(
    () => (figure ? (marks ?? []).reduce((l, m) => withAlertMarks(l, m), figure.layout) : null),
    [figure, marks],
  );
  if (!extras.length) return null;
  const toggle = (name: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  return (
    <section className="panel chart-panel" aria-labelledby={`${testId}-h`}>
      <h2 id={`${testId}-h`}>Other signals · {assetName}</h2>
      <fieldset className="trace-picker">
        <legend className="muted">Traces</legend>
        {extras.map((s) => (
          <label key={s.name}>
            <input type="checkbox" checked={!hidden.has(s.name)} onChange={() => toggle(s.name)} />{' '}
            {axisTitle(s.label, s.unit)}
          </label>
        ))}
      </fieldset>
      <div
        className="chart-box"
        data-testid={testId}
        data-points={series?.count ?? 0}
        data-traces={shown.map((s) => s.name).join(',')}
      >
        {figure && layout && series ? (
          <Plot
            data={figure.data}
            layout={layout}
            revision={series.revision}
            imageName={imageName}
            onRelayout={onRelayout}
            {...gestures}
          />
        ) : (
          <p className="muted">Choose a trace to show.</p>
        )}
      </div>
    </section>
  );
}
