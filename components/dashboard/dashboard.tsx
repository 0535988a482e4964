'use client';

import { useMemo, useRef, useState } from 'react';
import { bufferLimits, WINDOW_MINUTES, type WindowMinutes } from '@/lib/realtime/stream-state';
import { useBackfill } from '@/lib/realtime/use-backfill';
import { useStream } from '@/lib/realtime/use-stream';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import type { SignalInfo, StreamCatalog } from '@/lib/twin/types';
import { axisTitle } from '../charts/theme';
import { Plot } from '../plot';
import { conditionsFigure, predictionFigure } from './figures';
import { buildSeries } from './series';
import { redrawIntervalMs, usePlotColumns, useThrottledDraw } from './use-redraw-clock';
import { formatZoned } from '@/lib/time/zoned';
import { StreamCards } from './stream-cards';
import { SourceNotice } from './source-notice';
import { useSourceStatus } from '@/lib/realtime/use-source-status';
import { liveCoverage } from './live-coverage';
import { alertMarks, withAlertMarks } from './alert-marks';
import { useAssetAlerts } from '../alerts/use-asset-alerts';
import { DriftPanel } from '../models/drift-panel';
import { useServingModel } from '../models/use-serving-model';
import { useServingBand } from '../models/use-serving-band';
import { AssetSelect } from '../asset-select';
import { AnnotationPanel, canAnnotate, type Viewer } from '../annotations/annotation-panel';
import { axesToken, axisKeys, withYAxes } from '../charts/y-axes';
import { useYAxes } from '../charts/use-y-axes';
import { YAxisControl } from '../charts/y-axis-control';
import type { YAxes } from '@/lib/time/preferences';
import { useChartAnnotations } from '../annotations/use-chart-annotations';
import { DragModeToggle } from '../annotations/drag-mode-toggle';
import { useLiveAssets } from '../assets/use-live-assets';
import { ExtraSignalsPanel } from '../assets/extra-signals-panel';

/** Notes are fetched from this far back (the longest window); newer ones arrive on the socket. */
const ANNOTATIONS_BACK_MS = Math.max(...WINDOW_MINUTES) * 60_000;

const DEFAULT_WINDOW: WindowMinutes = 5;

interface Paused {
  /** The view shows the window ending here... */
  endTs: number;
  /** ...built from the buffer as it was at this revision. */
  revision: number;
}

/**
 * The live dashboard of one asset: picker, time window, pause, cards and two trends. Everything
 * is labelled from the catalog (the model package and the plant), nothing from constants.
 */
export function Dashboard({
  catalog,
  timeZone = null,
  me = null,
  initialYAxes = null,
}: {
  catalog: StreamCatalog;
  timeZone?: string | null;
  /** The signed-in user: who may annotate, and which notes they may edit. */
  me?: Viewer | null;
  /** The user's fixed y-axis ranges (preferences). */
  initialYAxes?: YAxes | null;
}) {
  const yAxes = useYAxes(initialYAxes);
  const featureNames = useMemo(() => catalog.signals.map((s) => s.name), [catalog.signals]);
  const scaleToken = axesToken(yAxes.axes, ['prediction', ...featureNames]);
  const [assetId, setAssetId] = useState(catalog.assets[0]?.id ?? '');
  // The registry's list, live: a new asset (and its extra signals) shows without a reload.
  const assets = useLiveAssets(catalog.assets);
  const asset = assets.find((a) => a.id === assetId);
  const extras = useMemo(() => (asset as { extraSignals?: SignalInfo[] } | undefined)?.extraSignals ?? [], [asset]);
  const seriesSignals = useMemo(() => [...catalog.signals, ...extras], [catalog.signals, extras]);
  const [windowMin, setWindowMin] = useState<WindowMinutes>(DEFAULT_WINDOW);
  const [paused, setPaused] = useState<Paused | null>(null);
  const [limits] = useState(() => bufferLimits(catalog));
  const { state, revision, status, error } = useStream(assetId, limits);
  const source = useSourceStatus(assetId);
  const serving = useServingModel(catalog.model);
  const band = useServingBand(catalog.band ?? null, catalog.model, serving);
  const liveCatalog = useMemo(() => ({ ...catalog, model: serving, band }), [catalog, serving, band]);

  const latest = state?.buffer.last();
  const windowMs = windowMin * 60_000;
  // Live: the window ends at the newest point (server time, so clock skew cannot empty it).
  // Paused: at the pause, from the buffer as it was then; points keep arriving meanwhile.
  const viewRevision = paused?.revision ?? revision;
  const liveEndTs = paused?.endTs ?? latest?.ts ?? 0;
  const buffer = state?.buffer;
  const zone = useDisplayTimeZone(timeZone);
  // A window longer than the live buffer starts with stored history (fetched once per gap).
  const backfilled = useBackfill(state, windowMs);
  const backfill = state?.backfill ?? null;
  // The charts are drawn min/max per pixel column of their plot, and redrawn when the window has
  // moved by a column (once a second at most), not on every reading: see use-redraw-clock. The
  // first data and a new asset, window, pause, backfill or width are drawn at once.
  const chartBox = useRef<HTMLDivElement>(null);
  const columns = usePlotColumns(chartBox);
  const drawn = useThrottledDraw(
    { revision: viewRevision, endTs: liveEndTs },
    `${assetId}/${windowMs}/${backfilled}/${paused ? 'paused' : 'live'}/${columns}/${zone}/${liveEndTs > 0}`,
    redrawIntervalMs(windowMs, columns),
  );
  const endTs = drawn.endTs;
  const series = useMemo(
    () =>
      buildSeries(buffer, windowMs, endTs, seriesSignals, drawn.revision + backfilled, 2 * columns, {
        timeZone: zone,
        backfill,
        expectedIntervalMs: 1000 / catalog.rateHz,
      }),
    [buffer, windowMs, endTs, drawn.revision, backfilled, columns, seriesSignals, catalog.rateHz, zone, backfill],
  );
  const coverage = useMemo(
    () => liveCoverage(buffer, windowMs, liveEndTs),
    // The buffer mutates in place; its revision says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [buffer, windowMs, liveEndTs, viewRevision],
  );
  // Zoom and legend clicks survive redraws; a new asset or window starts a fresh view.
  const uirevision = `${assetId}/${windowMin}/${zone}/${scaleToken}`;
  const prediction = useMemo(
    () => predictionFigure(series, catalog.target, uirevision, band?.label),
    [series, catalog.target, uirevision, band?.label],
  );
  const conditions = useMemo(
    () => conditionsFigure(series, catalog.signals, uirevision),
    [series, catalog.signals, uirevision],
  );
  // Where this asset's alerts started, on both charts.
  const assetAlerts = useAssetAlerts(assetId);
  const marks = useMemo(() => alertMarks(assetAlerts, endTs, windowMs), [assetAlerts, endTs, windowMs]);
  // Operators' notes: from an hour before the page opened (the longest window), then live.
  const [annotationsFrom] = useState(() => Date.now() - ANNOTATIONS_BACK_MS);
  // A drag on a live chart marks a range by default (a zoom would freeze the moving window).
  const notes = useChartAnnotations(assetId, annotationsFrom, undefined, { from: endTs - windowMs, to: endTs }, zone, {
    canWrite: canAnnotate(me),
    markByDefault: true,
    rememberAs: 'dashboard',
  });
  const predictionLayout = useMemo(
    () =>
      withYAxes(
        withAlertMarks(withAlertMarks(prediction.layout, marks), notes.marks),
        axisKeys(['prediction']),
        yAxes.axes,
      ),
    [prediction.layout, marks, notes.marks, yAxes.axes],
  );
  const conditionsLayout = useMemo(
    () =>
      withYAxes(
        withAlertMarks(withAlertMarks(conditions.layout, marks), notes.marks),
        axisKeys(featureNames),
        yAxes.axes,
      ),
    [conditions.layout, marks, notes.marks, featureNames, yAxes.axes],
  );

  const extraMarks = useMemo(() => [marks, notes.marks], [marks, notes.marks]);

  const conditionsTitle = catalog.signals.map((s) => axisTitle(s.label, s.unit)).join(' · ');

  return (
    <div className="dashboard">
      <div className="dash-toolbar">
        <AssetSelect
          assets={assets}
          value={assetId}
          onChange={(id) => {
            setAssetId(id);
            setPaused(null);
          }}
        />
        <div className="dash-segmented" role="group" aria-label="Time window">
          {WINDOW_MINUTES.map((m) => (
            <button
              key={m}
              type="button"
              className="btn btn-ghost"
              aria-pressed={m === windowMin}
              onClick={() => setWindowMin(m)}
            >
              {m} min
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn btn-ghost dash-pause"
          // Freezes the picture on screen (the charts redraw about once a second).
          onClick={() => setPaused(paused ? null : { endTs: drawn.endTs || Date.now(), revision: drawn.revision })}
          disabled={!paused && !latest}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        {canAnnotate(me) ? <DragModeToggle mode={notes.mode} onChange={notes.setMode} /> : null}
        <p className="dash-status muted" role="status">
          {paused
            ? `Paused at ${formatZoned(paused.endTs, zone).slice(11)}: data keeps arriving, resume to jump to now.`
            : status === 'resyncing'
              ? 'Catching up…'
              : null}
        </p>
      </div>
      {error ? (
        <p role="alert" className="error">
          {asset?.name ?? assetId}: {error}
        </p>
      ) : null}

      <SourceNotice status={source} assetName={asset?.name ?? assetId} />
      <StreamCards
        catalog={liveCatalog}
        latest={latest}
        lastUpdateAt={state?.lastUpdateAt ?? null}
        coverage={coverage}
      />

      <div className="dash-charts">
        <section className="panel chart-panel" aria-labelledby="pred-h">
          <h2 id="pred-h">
            {catalog.target.label} predicted{asset ? ` · ${asset.name}` : ''}
          </h2>
          <YAxisControl
            chart="the prediction chart"
            signals={[{ name: 'prediction', label: catalog.target.label, unit: catalog.target.unit }]}
            axes={yAxes.axes}
            save={yAxes.save}
          />
          <div className="chart-box" data-testid="prediction-chart" data-points={series.count} ref={chartBox}>
            <Plot
              data={prediction.data}
              layout={predictionLayout}
              revision={series.revision}
              imageName={`${assetId}_prediction`}
              {...notes.gestures}
            />
          </div>
        </section>
        <section className="panel chart-panel" aria-labelledby="cond-h">
          <h2 id="cond-h">
            Process conditions{asset ? ` · ${asset.name}` : ''}{' '}
            <span className="muted chart-sub">{conditionsTitle}</span>
          </h2>
          <YAxisControl
            chart="the process conditions chart"
            signals={catalog.signals}
            axes={yAxes.axes}
            save={yAxes.save}
          />
          <div className="chart-box" data-testid="conditions-chart" data-points={series.count}>
            <Plot
              data={conditions.data}
              layout={conditionsLayout}
              revision={series.revision}
              imageName={`${assetId}_conditions`}
              {...notes.gestures}
            />
          </div>
        </section>
        <ExtraSignalsPanel
          key={assetId}
          assetName={asset?.name ?? assetId}
          extras={extras}
          series={series}
          uirevision={uirevision}
          testId="extra-chart"
          imageName={`${assetId}_other-signals`}
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
        defaultTs={() => latest?.ts ?? Date.now()}
        onSaved={notes.upsert}
        onDeleted={notes.remove}
      />
      <DriftPanel />
    </div>
  );
}
