'use client';

import { useMemo } from 'react';
import type { Data, Layout } from 'plotly.js';
import type { AlarmKpis } from '@/lib/alerts/kpis';
import { baseAxis, chartFrame, CHART_COLORS, plotText } from '../charts/theme';
import { Plot } from '../plot';

const layoutOf = (id: string, extra: Partial<Layout>): Partial<Layout> => ({
  ...chartFrame(id),
  margin: { l: 56, r: 16, t: 8, b: 40 },
  showlegend: true,
  legend: { orientation: 'h', y: -0.2 },
  ...extra,
});

/** Alarms per 10 minutes with the flood line (more than 10). */
export function RateChart({ kpis }: { kpis: AlarmKpis }) {
  const data = useMemo<Data[]>(
    () => [
      {
        type: 'bar',
        name: 'Alarms per 10 min',
        x: kpis.series.map((p) => new Date(p.start + 5 * 60_000)),
        y: kpis.series.map((p) => p.count),
        marker: {
          color: kpis.series.map((p) => (p.count > kpis.flood.threshold ? CHART_COLORS.bad : CHART_COLORS.accent)),
        },
        hovertemplate: '%{y} alarms<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: `Flood: more than ${kpis.flood.threshold}`,
        x: [new Date(kpis.from), new Date(kpis.to)],
        y: [kpis.flood.threshold, kpis.flood.threshold],
        line: { color: CHART_COLORS.bad, dash: 'dash', width: 1.5 },
        hoverinfo: 'skip',
      },
    ],
    [kpis],
  );
  const layout = useMemo(
    () =>
      layoutOf('kpi-rate', {
        xaxis: { ...baseAxis, type: 'date' },
        yaxis: { ...baseAxis, title: { text: 'alarms / 10 min' }, rangemode: 'tozero' },
        bargap: 0.1,
      }),
    [],
  );
  return <Plot data={data} layout={layout} revision={kpis.from ^ kpis.to} imageName="alarms-per-10-min" />;
}

/** The priority distribution beside the recommended 80 / 15 / 5 %. */
export function PriorityChart({ kpis }: { kpis: AlarmKpis }) {
  const bands = kpis.priorities.map((p) => p.band);
  const data = useMemo<Data[]>(
    () => [
      {
        type: 'bar',
        name: 'Actual %',
        x: bands,
        y: kpis.priorities.map((p) => p.share * 100),
        marker: { color: CHART_COLORS.accent },
      },
      {
        type: 'bar',
        name: 'Recommended %',
        x: bands,
        y: kpis.priorities.map((p) => p.recommended * 100),
        marker: { color: CHART_COLORS.muted, pattern: { shape: '/' } },
      },
    ],
    [kpis, bands],
  );
  const layout = useMemo(
    () =>
      layoutOf('kpi-prio', {
        barmode: 'group',
        xaxis: baseAxis,
        yaxis: { ...baseAxis, title: { text: '% of alarms' }, range: [0, 100] },
      }),
    [],
  );
  return <Plot data={data} layout={layout} revision={kpis.from ^ kpis.to} imageName="alarm-priorities" />;
}

/** The most frequent alarms, most frequent on top. */
export function BadActorsChart({ kpis }: { kpis: AlarmKpis }) {
  const data = useMemo<Data[]>(() => {
    const rows = [...kpis.badActors].reverse();
    return [
      {
        type: 'bar',
        orientation: 'h',
        name: 'Alarms',
        x: rows.map((b) => b.count),
        y: rows.map((b) => plotText(`${b.assetId} · ${b.signal}`)),
        marker: { color: CHART_COLORS.accent },
      },
    ];
  }, [kpis]);
  const layout = useMemo(
    () =>
      layoutOf('kpi-bad', {
        showlegend: false,
        margin: { l: 180, r: 16, t: 8, b: 40 },
        xaxis: baseAxis,
        yaxis: baseAxis,
      }),
    [],
  );
  return <Plot data={data} layout={layout} revision={kpis.from ^ kpis.to} imageName="alarm-bad-actors" />;
}
