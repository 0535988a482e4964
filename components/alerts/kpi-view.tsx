'use client';

import { useEffect, useState } from 'react';
import type { AlarmKpis, RateBand } from '@/lib/alerts/kpis';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { BadActorsChart, PriorityChart, RateChart } from './kpi-charts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const when = (ms: number | null) => (ms === null ? '–' : dateTime.format(ms));
const n1 = (x: number) => (Math.round(x * 100) / 100).toString();
const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;
const secs = (x: number | null) => (x === null ? '–' : `${Math.round(x)} s`);

/** Bands read as a symbol and a word, never colour alone. */
const BAND_TEXT: Record<RateBand, string> = {
  acceptable: '✓ acceptable',
  manageable: '△ manageable',
  overloaded: '✕ overloaded',
};

/** `datetime-local` value (the browser's zone) of an epoch ms, and back. */
const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export interface KpiViewProps {
  /** The range the page opened with (from the address, else the last 24 h). */
  from: number;
  to: number;
}

/** The alarm KPI page: a range, the figures against the bands, three charts, tables and the CSV. */
export function KpiView({ from: from0, to: to0 }: KpiViewProps) {
  const [range, setRange] = useState({ from: from0, to: to0 });
  const [draft, setDraft] = useState({ from: toLocalInput(from0), to: toLocalInput(to0) });
  const [kpis, setKpis] = useState<AlarmKpis | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`;

  useEffect(() => {
    const ctrl = new AbortController();
    requestJson<AlarmKpis>(`/api/v1/alarms/kpis?${query}`, { signal: ctrl.signal }).then(
      (k) => {
        setKpis(k);
        setError(null);
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setError(`Could not compute the KPIs: ${errorMessage(err)}`);
      },
    );
    return () => ctrl.abort();
  }, [query]);

  const apply = () => {
    const from = new Date(draft.from).getTime();
    const to = new Date(draft.to).getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to)) return setError('Choose both times');
    setRange({ from, to });
    window.history.replaceState(null, '', `?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
  };
  const last = (ms: number) => {
    const to = Date.now();
    setDraft({ from: toLocalInput(to - ms), to: toLocalInput(to) });
    setRange({ from: to - ms, to });
  };

  return (
    <>
      <section className="panel" aria-labelledby="kpi-range-h">
        <div className="alerts-toolbar">
          <h2 id="kpi-range-h" style={{ margin: 0 }}>
            Range
          </h2>
          <button type="button" onClick={() => last(86_400_000)}>
            Last 24 h
          </button>
          <button type="button" onClick={() => last(7 * 86_400_000)}>
            Last 7 days
          </button>
          <label className="dash-field">
            <span>From</span>
            <input
              type="datetime-local"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label className="dash-field">
            <span>To</span>
            <input
              type="datetime-local"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <button type="button" onClick={apply}>
            Apply
          </button>
          <a href={`/api/v1/alarms/kpis.csv?${query}`} download>
            Export CSV
          </a>
        </div>
        <p className="muted">
          {when(range.from)} – {when(range.to)}
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
      </section>
      {kpis ? <Figures kpis={kpis} /> : <p role="status">Computing…</p>}
    </>
  );
}

function Figures({ kpis: k }: { kpis: AlarmKpis }) {
  const figure = (id: string, label: string, value: string, detail?: string) => (
    <div className="kpi-figure" data-testid={`kpi-${id}`}>
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        {detail ? <span className="muted"> {detail}</span> : null}
      </dd>
    </div>
  );
  return (
    <>
      <section className="panel" aria-labelledby="kpi-fig-h">
        <h2 id="kpi-fig-h">Figures</h2>
        <dl className="kpi-figures">
          {figure('total', 'Alarms', String(k.total))}
          {figure('per10min', 'Average per 10 min', n1(k.rates.per10Min.value), BAND_TEXT[k.rates.per10Min.band])}
          {figure('perhour', 'Average per hour', n1(k.rates.perHour.value), BAND_TEXT[k.rates.perHour.band])}
          {figure('perday', 'Average per day', n1(k.rates.perDay.value), BAND_TEXT[k.rates.perDay.band])}
          {figure(
            'flood',
            'Periods in flood',
            `${k.flood.floodPeriods} of ${k.flood.periods}`,
            `${pct(k.flood.share)} of the time (target ≤ ${pct(k.flood.target)}); peak ${k.flood.peak} in 10 min`,
          )}
          {figure('chattering', 'Chattering alarms', String(k.chattering.length), '≥ 3 in a minute')}
          {figure('stale', 'Stale alarms', String(k.stale.count), 'active > 24 h')}
          {figure(
            'standing',
            'Standing alarms',
            String(k.standing.count),
            `oldest since ${when(k.standing.oldestSince)}`,
          )}
          {figure(
            'ack',
            'Time to acknowledge',
            `p50 ${secs(k.timeToAck.p50Seconds)} · p90 ${secs(k.timeToAck.p90Seconds)}`,
            `${k.timeToAck.acknowledged} acknowledged, ${k.timeToAck.unacknowledged} not by the end`,
          )}
          {figure(
            'priorities',
            'Priorities low / medium / high',
            k.priorities.map((p) => pct(p.share)).join(' / '),
            'recommended 80 / 15 / 5 %',
          )}
        </dl>
      </section>
      <section className="panel" aria-labelledby="kpi-rate-h">
        <h2 id="kpi-rate-h">Alarms per 10 minutes</h2>
        <div className="chart-box" data-testid="kpi-rate-chart">
          <RateChart kpis={k} />
        </div>
      </section>
      <div className="kpi-pair">
        <section className="panel" aria-labelledby="kpi-prio-h">
          <h2 id="kpi-prio-h">Priority distribution</h2>
          <div className="chart-box">
            <PriorityChart kpis={k} />
          </div>
        </section>
        <section className="panel" aria-labelledby="kpi-bad-h">
          <h2 id="kpi-bad-h">Bad actors (top 10)</h2>
          <div className="chart-box">
            <BadActorsChart kpis={k} />
          </div>
        </section>
      </div>
      <section className="panel" aria-labelledby="kpi-lists-h">
        <h2 id="kpi-lists-h">Lists</h2>
        <table className="alerts-table" data-testid="kpi-bad-actors">
          <caption>Bad actors</caption>
          <thead>
            <tr>
              <th>Asset</th>
              <th>Signal</th>
              <th>Priority</th>
              <th>Alarms</th>
              <th>Share</th>
            </tr>
          </thead>
          <tbody>
            {k.badActors.map((b) => (
              <tr key={b.ruleId}>
                <td>{b.assetId}</td>
                <td>{b.signal}</td>
                <td>{b.priority}</td>
                <td>{b.count}</td>
                <td>{pct(b.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="alerts-table" data-testid="kpi-chattering-list">
          <caption>Chattering (3 or more alarms within 60 s)</caption>
          <thead>
            <tr>
              <th>Asset</th>
              <th>Signal</th>
              <th>Most in a minute</th>
              <th>Alarms</th>
            </tr>
          </thead>
          <tbody>
            {k.chattering.map((c) => (
              <tr key={c.ruleId}>
                <td>{c.assetId}</td>
                <td>{c.signal}</td>
                <td>{c.maxPerMinute}</td>
                <td>{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="alerts-table" data-testid="kpi-stale-list">
          <caption>Stale (active more than 24 h)</caption>
          <thead>
            <tr>
              <th>Alarm</th>
              <th>Asset</th>
              <th>Signal</th>
              <th>Since</th>
              <th>Hours</th>
            </tr>
          </thead>
          <tbody>
            {k.stale.alarms.map((s) => (
              <tr key={`${s.alarmId}-${s.since}`}>
                <td>{s.alarmId}</td>
                <td>{s.assetId}</td>
                <td>{s.signal}</td>
                <td>{when(s.since)}</td>
                <td>{n1(s.hours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Bands (EEMUA 191, ANSI/ISA-18.2 and IEC 62682): on average ≤ 1 alarm per 10 min (6 an hour, 144 a day) is very
          likely acceptable, ≤ 2 (12, 288) manageable, more is overloaded; a flood is more than 10 alarms in 10 minutes;
          priorities about 80 % low, 15 % medium, 5 % high (high and urgent count as high). An alarm is a raise or a
          re-raise of a returned alarm.
        </p>
      </section>
    </>
  );
}
