'use client';

import { useCallback, useMemo, useState } from 'react';
import type { PlotRelayoutEvent } from 'plotly.js';
import type { SignalInfo, StreamCatalog } from '@/lib/twin/types';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import { formatZoned, fromLocalInput, fromWallClock, parsePlotlyDate, toLocalInput } from '@/lib/time/zoned';
import { axisTitle } from '../charts/theme';
import { conditionsFigure, predictionFigure } from '../dashboard/figures';
import { formatNumber } from '../dashboard/format';
import { Plot } from '../plot';
import { TimeZoneSelect } from '../time-zone-select';
import { historySeries } from './history-series';
import { useHistory } from './use-history';
import {
  COMPARE_MODES,
  compareOffset,
  conditionsOverlay,
  periodLabel,
  predictionOverlay,
  shiftHistory,
  type CompareMode,
} from './compare';
import { AssetSelect } from '../asset-select';
import { AnnotationPanel, canAnnotate, type Viewer } from '../annotations/annotation-panel';
import { axesToken, axisKeys, withYAxes } from '../charts/y-axes';
import { useYAxes } from '../charts/use-y-axes';
import { YAxisControl } from '../charts/y-axis-control';
import type { YAxes } from '@/lib/time/preferences';
import { useChartAnnotations } from '../annotations/use-chart-annotations';
import { DragModeToggle } from '../annotations/drag-mode-toggle';
import { alertMarks, withAlertMarks } from '../dashboard/alert-marks';
import { useAssetAlerts } from '../alerts/use-asset-alerts';
import { useLiveAssets } from '../assets/use-live-assets';
import { ExtraSignalsPanel } from '../assets/extra-signals-panel';

/** Zooming closer than this does not fetch again. */
const MIN_ZOOM_MS = 1_000;

const PRESETS = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '1d', label: 'Last day', ms: 86_400_000 },
  { key: '1w', label: 'Last week', ms: 7 * 86_400_000 },
] as const;
type PresetKey = (typeof PRESETS)[number]['key'] | 'custom';

interface Range {
  from: number;
  to: number;
}

const lastRange = (ms: number): Range => {
  const to = Date.now();
  return { from: to - ms, to };
};

/** Plotly's relayout event -> the zoomed x range (wall clock), 'reset' on autoscale, null otherwise. */
function zoomOf(ev: Readonly<PlotRelayoutEvent>): [unknown, unknown] | 'reset' | null {
  const e = ev as Record<string, unknown>;
  if (e['xaxis.autorange'] === true) return 'reset';
  if (e['xaxis.range[0]'] !== undefined && e['xaxis.range[1]'] !== undefined)
    return [e['xaxis.range[0]'], e['xaxis.range[1]']];
  const r = e['xaxis.range'];
  if (Array.isArray(r) && r.length === 2) return [r[0], r[1]];
  return null;
}

/**
 * The History page: pick an asset and a range (last hour / day / week / custom), see the stored
 * prediction with its band and the process conditions with the dashboard's own figures, zoom to
 * fetch finer data for the zoomed range, export the range as CSV, choose the time zone.
 */
export function HistoryView({
  catalog,
  initialTimeZone,
  me = null,
  initialYAxes = null,
}: {
  catalog: StreamCatalog;
  initialTimeZone: string | null;
  /** The signed-in user: who may annotate, and which notes they may edit. */
  me?: Viewer | null;
  /** The user's fixed y-axis ranges (preferences). */
  initialYAxes?: YAxes | null;
}) {
  const yAxes = useYAxes(initialYAxes);
  const featureNames = useMemo(() => catalog.signals.map((s) => s.name), [catalog.signals]);
  const scaleToken = axesToken(yAxes.axes, ['prediction', ...featureNames]);
  const [assetId, setAssetId] = useState(catalog.assets[0]?.id ?? '');
  // The registry's list, live; an asset's extra signals are charted beside the features.
  const assets = useLiveAssets(catalog.assets);
  const asset = assets.find((a) => a.id === assetId);
  const extras = useMemo(() => (asset as { extraSignals?: SignalInfo[] } | undefined)?.extraSignals ?? [], [asset]);
  const seriesSignals = useMemo(() => [...catalog.signals, ...extras], [catalog.signals, extras]);
  const [preset, setPreset] = useState<PresetKey>('1h');
  const [range, setRange] = useState<Range>(() => lastRange(PRESETS[0].ms));
  /** The zoomed part of `range` (or all of it). */
  const [view, setView] = useState<Range>(range);
  const [chosenZone, setChosenZone] = useState<string | null>(initialTimeZone);
  const zone = useDisplayTimeZone(chosenZone);
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);

  const main = useHistory(assetId, view);
  const loading = main.loading;
  const data = main.data;
  const result = main;
  // Compare with an earlier period: the same view, `offset` ms back, drawn shifted onto this one.
  const [compareMode, setCompareMode] = useState<CompareMode>('none');
  const [compareStartInput, setCompareStartInput] = useState('');
  const compareStart = compareStartInput ? fromLocalInput(compareStartInput, zone) : null;
  const offset = compareOffset(compareMode, range.from, compareStart);
  const earlier = useHistory(assetId, offset === null ? null : { from: view.from - offset, to: view.to - offset });
  const period = periodLabel(compareMode, compareStart, zone);
  const compared = useMemo(
    () =>
      earlier.data && offset !== null
        ? historySeries(shiftHistory(earlier.data, offset), catalog.signals, zone, earlier.data.from)
        : null,
    [earlier.data, offset, catalog.signals, zone],
  );
  const series = useMemo(
    () => (data ? historySeries(data, seriesSignals, zone, data.from + data.to) : null),
    [data, seriesSignals, zone],
  );
  // Zoom state survives the finer data arriving; a new asset, range or zone starts afresh.
  const uirevision = `${assetId}/${range.from}/${range.to}/${zone}/${scaleToken}`;
  const prediction = useMemo(() => {
    if (!series) return null;
    const f = predictionFigure(series, catalog.target, uirevision);
    return compared ? { ...f, data: [...f.data, ...predictionOverlay(compared, catalog.target, period)] } : f;
  }, [series, catalog.target, uirevision, compared, period]);
  const conditions = useMemo(() => {
    if (!series) return null;
    const f = conditionsFigure(series, catalog.signals, uirevision);
    return compared ? { ...f, data: [...f.data, ...conditionsOverlay(compared, catalog.signals, period)] } : f;
  }, [series, catalog.signals, uirevision, compared, period]);

  // Alert raises (dotted, ⚠) and operators' notes (violet, ✎) over the stored data.
  const assetAlerts = useAssetAlerts(assetId);
  const alerts = useMemo(() => alertMarks(assetAlerts, view.to, view.to - view.from), [assetAlerts, view]);
  const notes = useChartAnnotations(assetId, range.from, range.to, view, zone, {
    canWrite: canAnnotate(me),
    rememberAs: 'history',
  });
  const extraMarks = useMemo(() => [alerts, notes.marks], [alerts, notes.marks]);
  const predictionLayout = useMemo(
    () =>
      prediction
        ? withYAxes(
            withAlertMarks(withAlertMarks(prediction.layout, alerts), notes.marks),
            axisKeys(['prediction']),
            yAxes.axes,
          )
        : null,
    [prediction, alerts, notes.marks, yAxes.axes],
  );
  const conditionsLayout = useMemo(
    () =>
      conditions
        ? withYAxes(
            withAlertMarks(withAlertMarks(conditions.layout, alerts), notes.marks),
            axisKeys(featureNames),
            yAxes.axes,
          )
        : null,
    [conditions, alerts, notes.marks, featureNames, yAxes.axes],
  );

  const choose = (next: Range, key: PresetKey) => {
    setPreset(key);
    setRange(next);
    setView(next);
  };
  const onRelayout = useCallback(
    (ev: Readonly<PlotRelayoutEvent>) => {
      const zoom = zoomOf(ev);
      if (!zoom) return;
      if (zoom === 'reset') return setView(range);
      const [a, b] = zoom.map((v) => parsePlotlyDate(v));
      if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) return;
      const from = Math.max(range.from, fromWallClock(Math.min(a, b), zone));
      const to = Math.min(range.to, fromWallClock(Math.max(a, b), zone));
      if (to - from >= MIN_ZOOM_MS) setView({ from, to });
    },
    [range, zone],
  );

  const exportHref = `/api/v1/assets/${encodeURIComponent(assetId)}/export.csv?from=${Math.round(view.from)}&to=${Math.round(view.to)}`;
  const fileStem = `${assetId}_${formatZoned(view.from, zone).replace(/[: ]/g, '-')}`;
  const customFrom = custom?.from ?? toLocalInput(range.from, zone);
  const customTo = custom?.to ?? toLocalInput(range.to, zone);
  const customRange = { from: fromLocalInput(customFrom, zone), to: fromLocalInput(customTo, zone) };
  const customError =
    Number.isNaN(customRange.from) || Number.isNaN(customRange.to)
      ? 'Enter both dates'
      : customRange.to <= customRange.from
        ? 'The end must be after the start'
        : null;
  const inputStyle = {
    background: 'var(--panel-2)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: 6,
    padding: '.4rem .5rem',
  };

  return (
    <div className="dashboard history">
      <div className="dash-toolbar">
        <AssetSelect assets={assets} value={assetId} onChange={setAssetId} />
        <div className="dash-segmented" role="group" aria-label="Time range">
          {PRESETS.map((p) => (
            <button
              key={p.key}
              type="button"
              className="btn btn-ghost"
              aria-pressed={preset === p.key}
              onClick={() => choose(lastRange(p.ms), p.key)}
            >
              {p.label}
            </button>
          ))}
          <button
            type="button"
            className="btn btn-ghost"
            aria-pressed={preset === 'custom'}
            onClick={() => setPreset('custom')}
          >
            Custom
          </button>
        </div>
        <label className="dash-field">
          <span>Compare with</span>
          <select value={compareMode} onChange={(e) => setCompareMode(e.target.value as CompareMode)}>
            {COMPARE_MODES.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {compareMode === 'start' ? (
          <label className="dash-field">
            <span>Earlier start</span>
            <input
              type="datetime-local"
              style={inputStyle}
              value={compareStartInput}
              max={toLocalInput(range.from, zone)}
              onChange={(e) => setCompareStartInput(e.target.value)}
            />
          </label>
        ) : null}
        <TimeZoneSelect value={chosenZone} onChange={setChosenZone} />
        {canAnnotate(me) ? <DragModeToggle mode={notes.mode} onChange={notes.setMode} /> : null}
        <a className="btn btn-ghost" href={exportHref} download>
          Export CSV
        </a>
      </div>
      {preset === 'custom' ? (
        <form
          className="dash-toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            if (!customError) choose(customRange, 'custom');
          }}
        >
          <label className="dash-field">
            <span>From</span>
            <input
              type="datetime-local"
              style={inputStyle}
              value={customFrom}
              onChange={(e) => setCustom({ from: e.target.value, to: customTo })}
            />
          </label>
          <label className="dash-field">
            <span>To</span>
            <input
              type="datetime-local"
              style={inputStyle}
              value={customTo}
              onChange={(e) => setCustom({ from: customFrom, to: e.target.value })}
            />
          </label>
          <button type="submit" className="btn" disabled={customError !== null}>
            Show
          </button>
          {customError ? <small className="muted">{customError}</small> : null}
        </form>
      ) : null}
      <p className="muted" role="status" data-testid="history-status">
        {formatZoned(view.from, zone, { seconds: false })} – {formatZoned(view.to, zone, { seconds: false })} ({zone})
        {view.from !== range.from || view.to !== range.to ? ' · zoomed (double-click a chart to zoom out)' : ''}
        {offset !== null
          ? ` · compared with ${period}${earlier.loading ? ' (loading…)' : earlier.error ? ` (${earlier.error})` : earlier.data ? ` (${formatNumber(earlier.data.rawCount, 0)} readings)` : ''}`
          : compareMode === 'start'
            ? ' · choose an earlier start to compare with'
            : ''}
        {loading
          ? ' · loading…'
          : data
            ? ` · ${formatNumber(data.rawCount, 0)} readings stored${data.downsampled ? `, shown as at most ${formatNumber(data.maxPoints, 0)} points per signal (min and max of each interval)` : ''}`
            : ''}
      </p>
      {result?.error && !loading ? (
        <p role="alert" className="error">
          {result.error}
        </p>
      ) : null}

      <div className="dash-charts">
        <section className="panel chart-panel" aria-labelledby="hist-pred-h">
          <h2 id="hist-pred-h">
            {catalog.target.label} predicted{asset ? ` · ${asset.name}` : ''}
          </h2>
          <YAxisControl
            chart="the prediction chart"
            signals={[{ name: 'prediction', label: catalog.target.label, unit: catalog.target.unit }]}
            axes={yAxes.axes}
            save={yAxes.save}
          />
          <div
            className="chart-box"
            data-testid="history-prediction-chart"
            data-points={series?.count ?? 0}
            data-raw-count={data?.rawCount ?? 0}
          >
            {prediction && predictionLayout && series ? (
              <Plot
                data={prediction.data}
                layout={predictionLayout}
                revision={series.revision}
                imageName={`${fileStem}_prediction`}
                onRelayout={onRelayout}
                {...notes.gestures}
              />
            ) : null}
          </div>
        </section>
        <section className="panel chart-panel" aria-labelledby="hist-cond-h">
          <h2 id="hist-cond-h">
            Process conditions{asset ? ` · ${asset.name}` : ''}{' '}
            <span className="muted chart-sub">
              {catalog.signals.map((s) => axisTitle(s.label, s.unit)).join(' · ')}
            </span>
          </h2>
          <YAxisControl
            chart="the process conditions chart"
            signals={catalog.signals}
            axes={yAxes.axes}
            save={yAxes.save}
          />
          <div className="chart-box" data-testid="history-conditions-chart" data-points={series?.count ?? 0}>
            {conditions && conditionsLayout && series ? (
              <Plot
                data={conditions.data}
                layout={conditionsLayout}
                revision={series.revision}
                imageName={`${fileStem}_conditions`}
                onRelayout={onRelayout}
                {...notes.gestures}
              />
            ) : null}
          </div>
        </section>
        <ExtraSignalsPanel
          key={assetId}
          assetName={asset?.name ?? assetId}
          extras={extras}
          series={series}
          uirevision={uirevision}
          testId="history-extra-chart"
          imageName={`${fileStem}_other-signals`}
          onRelayout={onRelayout}
          gestures={notes.gestures}
          marks={extraMarks}
        />
      </div>
      <AnnotationPanel
        assetId={assetId}
        annotations={notes.inView}
        zone={zone}
        me={me}
        draft={notes.draft}
        setDraft={notes.setDraft}
        defaultTs={() => view.to}
        onSaved={notes.upsert}
        onDeleted={notes.remove}
      />
    </div>
  );
}
