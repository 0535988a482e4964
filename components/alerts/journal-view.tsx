'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { JOURNAL_EVENTS, type AlertRule, type JournalEntry, type JournalEvent } from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { AssetSelect } from '../asset-select';
import { PriorityLabel, STATE_TEXT } from './alarm-state';
import { labelsOf, type AlertCatalog } from './labels';

interface Filters {
  asset: string;
  /** A rule id of the chosen asset, or ''. */
  rule: string;
  priority: string;
  event: '' | JournalEvent;
  /** datetime-local values (the browser's zone). */
  from: string;
  to: string;
}

const PAGE = 100;
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** The journal's query string for the filters (times sent as UTC ISO). */
function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.asset) q.set('asset', f.asset);
  if (f.rule) q.set('rule', f.rule);
  if (f.priority) q.set('priority', f.priority);
  if (f.event) q.set('event', f.event);
  if (f.from) q.set('from', new Date(f.from).toISOString());
  if (f.to) q.set('to', new Date(f.to).toISOString());
  return q;
}

/** The alarm journal: every transition with who and when, filtered, paged, exportable as CSV. */
export function JournalView({ catalog }: { catalog: AlertCatalog }) {
  const labels = useMemo(() => labelsOf(catalog), [catalog]);
  const [filters, setFilters] = useState<Filters>({ asset: '', rule: '', priority: '', event: '', from: '', to: '' });
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = async (f: Filters, after: number | null, signal?: AbortSignal) => {
    const q = queryOf(f);
    q.set('limit', String(PAGE));
    if (after !== null) q.set('cursor', String(after));
    return requestJson<{ entries: JournalEntry[]; nextCursor: number | null }>(`/api/v1/alarms/journal?${q}`, {
      signal,
    });
  };

  useEffect(() => {
    const ctrl = new AbortController();
    load(filters, null, ctrl.signal).then(
      (page) => {
        if (ctrl.signal.aborted) return;
        setEntries(page.entries);
        setCursor(page.nextCursor);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(`Could not load the journal: ${errorMessage(err)}`);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [filters]);

  const older = async (after: number) => {
    setLoading(true);
    try {
      const page = await load(filters, after);
      setEntries((prev) => [...prev, ...page.entries]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(`Could not load the journal: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  };

  // The rule filter offers the chosen asset's rules.
  useEffect(() => {
    if (!filters.asset) return;
    const ctrl = new AbortController();
    requestJson<{ rules: AlertRule[] }>(`/api/v1/alert-rules?assetId=${encodeURIComponent(filters.asset)}`, {
      signal: ctrl.signal,
    }).then(
      (body) => setRules(body.rules),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [filters.asset]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <section className="panel" aria-labelledby="journal-h">
      <div className="alerts-toolbar">
        <h2 id="journal-h" style={{ margin: 0 }}>
          Journal
        </h2>
        <AssetSelect
          assets={catalog.assets}
          value={filters.asset}
          onChange={(asset) => set({ asset, rule: '' })}
          allLabel="all"
        />
        <label className="dash-field">
          <span>Rule</span>
          <select value={filters.rule} onChange={(e) => set({ rule: e.target.value })} disabled={!filters.asset}>
            <option value="">all</option>
            {filters.asset
              ? rules.map((r) => (
                  <option key={r.id} value={r.id}>
                    {labels.signal(r.signal).label} ({r.severity})
                  </option>
                ))
              : null}
          </select>
        </label>
        <label className="dash-field">
          <span>Priority</span>
          <select value={filters.priority} onChange={(e) => set({ priority: e.target.value })}>
            <option value="">all</option>
            <option value="urgent">urgent</option>
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
        </label>
        <label className="dash-field">
          <span>Event</span>
          <select value={filters.event} onChange={(e) => set({ event: e.target.value as Filters['event'] })}>
            <option value="">all</option>
            {JOURNAL_EVENTS.map((e) => (
              <option key={e} value={e}>
                {e.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label className="dash-field">
          <span>From</span>
          <input type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label className="dash-field">
          <span>To</span>
          <input type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
        <a href={`/api/v1/alarms/journal.csv?${queryOf(filters)}`} download>
          Export CSV
        </a>
        <Link href="/alerts/kpis">KPIs…</Link>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="alerts-table" aria-labelledby="journal-h" data-testid="journal-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>State after</th>
              <th>Priority</th>
              <th>Asset</th>
              <th>Signal</th>
              <th>Alarm</th>
              <th>Who</th>
              <th>Comment</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-alarm-id={e.alarmId} data-event={e.event}>
                <td>{dateTime.format(e.at)}</td>
                <td>{e.event.replace(/_/g, ' ')}</td>
                <td>
                  <span aria-hidden="true">{STATE_TEXT[e.stateAfter].symbol}</span> {STATE_TEXT[e.stateAfter].label}
                </td>
                <td>
                  <PriorityLabel priority={e.priority} />
                </td>
                <td>{labels.asset(e.assetId)}</td>
                <td>{labels.signal(e.signal).label}</td>
                <td>{e.alarmId}</td>
                <td>{e.who}</td>
                <td>{e.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && entries.length === 0 ? <p className="muted">No journal entries match these filters.</p> : null}
      {cursor !== null ? (
        <button type="button" className="btn btn-ghost" onClick={() => void older(cursor)} disabled={loading}>
          Older entries
        </button>
      ) : null}
    </section>
  );
}
