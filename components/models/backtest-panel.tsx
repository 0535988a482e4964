'use client';

/**
 * Backtest a registered version on stored history (issue 19): pick a version, an asset and a
 * range; the server scores it in the background beside the serving version; the panel polls the
 * job, shows its progress, then the figures against the measured values and an overlay chart.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Data } from 'plotly.js';
import { errorMessage } from '@/lib/client/api-client';
import { AssetSelect } from '../asset-select';
import { Plot } from '../plot';
import { baseLayout, baseAxis, CHART_COLORS, seriesColor } from '../charts/theme';
import {
  cancelBacktest,
  fetchBacktest,
  fetchBacktests,
  startBacktest,
  type BacktestJob,
  type ModelVersionInfo,
} from './api';

const RANGES = [
  { label: 'last hour', ms: 3_600_000 },
  { label: 'last day', ms: 86_400_000 },
  { label: 'last week', ms: 7 * 86_400_000 },
  { label: 'last 30 days', ms: 30 * 86_400_000 },
] as const;

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

export function BacktestPanel({
  versions,
  assets,
}: {
  versions: ModelVersionInfo[];
  assets: readonly { id: string; name: string }[];
}) {
  const [chosen, setChosen] = useState(versions[0] ? `${versions[0].name}/${versions[0].version}` : '');
  const [assetId, setAssetId] = useState(assets[0]?.id ?? '');
  const [rangeMs, setRangeMs] = useState<number>(RANGES[1].ms);
  const [job, setJob] = useState<BacktestJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  // The latest backtest, kept across restarts: shown (and followed if it still runs) on opening.
  useEffect(() => {
    let gone = false;
    fetchBacktests(1).then(
      (page) => {
        const latest = page.backtests[0];
        if (!gone && latest) setJob((current) => current ?? latest);
      },
      () => {},
    );
    return () => {
      gone = true;
    };
  }, []);

  // Poll the running job once a second.
  useEffect(() => {
    if (!job || job.status !== 'running') return;
    const timer = setTimeout(() => {
      fetchBacktest(job.id).then(
        (body) => setJob(body.backtest),
        (err: unknown) => setError(errorMessage(err)),
      );
    }, 1_000);
    return () => clearTimeout(timer);
  }, [job]);

  const start = async () => {
    const [name, version] = chosen.split('/');
    if (!name || !version) return;
    setError(null);
    const to = Date.now();
    try {
      setJob((await startBacktest({ name, version, assetId, from: to - rangeMs, to })).backtest);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const cancel = async () => {
    if (!job) return;
    setCancelling(true);
    setError(null);
    try {
      setJob((await cancelBacktest(job.id)).backtest);
    } catch (err) {
      setError(errorMessage(err));
      // Ended meanwhile (409): show how it ended.
      fetchBacktest(job.id).then(
        (body) => setJob(body.backtest),
        () => {},
      );
    } finally {
      setCancelling(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="backtest-h">
      <h2 id="backtest-h">Backtest</h2>
      <p className="muted">
        Scores a version on an asset&rsquo;s stored history beside the serving version, against the measured values
        where they were recorded. Runs in the background; live scoring is not disturbed.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
        style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}
      >
        <label>
          Version{' '}
          <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {versions.map((v) => (
              <option key={`${v.name}/${v.version}`} value={`${v.name}/${v.version}`}>
                {v.name} v{v.version}
                {v.active ? ' (serving)' : ''}
              </option>
            ))}
          </select>
        </label>
        <AssetSelect assets={assets} value={assetId} onChange={setAssetId} />
        <label>
          Range{' '}
          <select value={rangeMs} onChange={(e) => setRangeMs(Number(e.target.value))}>
            {RANGES.map((r) => (
              <option key={r.ms} value={r.ms}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button className="btn" type="submit" disabled={job?.status === 'running' || !chosen || !assetId}>
          Run backtest
        </button>
        {job?.status === 'running' ? (
          <button className="btn" type="button" onClick={() => void cancel()} disabled={cancelling}>
            Cancel
          </button>
        ) : null}
      </form>
      {error ? (
        <p role="alert" className="bad">
          {error}
        </p>
      ) : null}
      {job ? <BacktestOutcome job={job} /> : null}
    </section>
  );
}

function BacktestOutcome({ job }: { job: BacktestJob }) {
  const { done, total } = job.progress;
  const r = job.result;
  const figure = useMemo(() => (r ? overlayFigure(job) : null), [job, r]);
  return (
    <div data-testid="backtest-outcome" data-status={job.status}>
      <p role="status">{statusLine(job)}</p>
      {job.status === 'running' ? <progress max={Math.max(1, total)} value={done} style={{ width: '100%' }} /> : null}
      {r ? (
        <>
          <table className="table" data-testid="backtest-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Rows scored</th>
                <th scope="col">With measured value</th>
                <th scope="col">MAE</th>
                <th scope="col">Bias</th>
                <th scope="col">Band coverage</th>
              </tr>
            </thead>
            <tbody>
              {[
                { role: 'candidate', f: r.candidate },
                ...(r.serving ? [{ role: 'serving', f: r.serving }] : []),
              ].map(({ role, f }) => (
                <tr key={role} data-testid={`backtest-row-${role}`}>
                  <td>
                    v{f.version} ({role})
                  </td>
                  <td>{f.scored.toLocaleString()}</td>
                  <td>{f.withActual.toLocaleString()}</td>
                  <td>{fmt(f.mae, 3)}</td>
                  <td>{fmt(f.bias, 3)}</td>
                  <td>{pct(f.coverage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.meanAbsDifference !== null ? (
            <p className="muted">Mean difference from the serving version: {fmt(r.meanAbsDifference, 3)}</p>
          ) : null}
          {figure ? (
            <div className="chart-box">
              <Plot data={figure.data} layout={figure.layout} revision={job.finishedAt ?? 0} />
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function statusLine(job: BacktestJob): string {
  const { done, total } = job.progress;
  const v = `v${job.request.version}`;
  const of = `${done.toLocaleString()} of ${total.toLocaleString()} rows`;
  switch (job.status) {
    case 'queued':
      return `Waiting: ${v}`;
    case 'running':
      return `Scoring ${v}: ${of}`;
    case 'failed':
      return `Failed: ${job.error ?? 'unknown error'}`;
    case 'cancelled':
      return `Cancelled: ${v} stopped after ${of}.`;
    case 'interrupted':
      return `Interrupted: the console stopped while ${v} was scored (${of}); run it again.`;
    case 'done': {
      const r = job.result!;
      return `Done: ${v} on ${r.rows.toLocaleString()} stored rows (${r.skipped.toLocaleString()} outside its valid ranges, not scored).`;
    }
  }
}

function overlayFigure(job: BacktestJob) {
  const o = job.result!.overlay;
  const x = o.t.map((t) => new Date(t));
  const trace = (name: string, y: (number | null)[], color: string, dash?: 'dot'): Data => ({
    type: 'scatter',
    mode: 'lines',
    name,
    x,
    y,
    connectgaps: false,
    line: { color, width: 1.5, ...(dash ? { dash } : {}) },
  });
  const data: Data[] = [
    trace(`v${job.request.version} (candidate)`, o.candidate, seriesColor(0)),
    ...(job.servingVersion ? [trace(`v${job.servingVersion} (serving)`, o.serving, seriesColor(1))] : []),
    trace('measured', o.actual, CHART_COLORS.muted, 'dot'),
  ];
  return {
    data,
    layout: { ...baseLayout(`backtest-${job.id}`), yaxis: { ...baseAxis, title: { text: 'mean per bucket' } } },
  };
}
