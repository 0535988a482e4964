'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';
import { formatValue } from '../dashboard/format';
import { AckForm } from './ack-form';
import { labelsOf, type AlertCatalog } from './labels';
import { AssetSelect } from '../asset-select';

type StateFilter = 'open' | 'active' | 'acknowledged' | 'cleared' | '';
interface Filters {
  state: StateFilter;
  assetId: string;
  severity: '' | 'warning' | 'critical';
}

const PAGE = 100;
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const when = (ts: number | null) => (ts === null ? '' : dateTime.format(ts));

function matches(a: AlertEvent, f: Filters): boolean {
  if (f.assetId && a.assetId !== f.assetId) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.state === 'open') return a.state !== 'cleared';
  return !f.state || a.state === f.state;
}

async function fetchAlerts(
  f: Filters,
  before: number | null,
  signal?: AbortSignal,
): Promise<{ alerts: AlertEvent[]; nextBefore: number | null }> {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (f.state) q.set('state', f.state);
  if (f.assetId) q.set('assetId', f.assetId);
  if (f.severity) q.set('severity', f.severity);
  if (before !== null) q.set('before', String(before));
  const body = await requestJson<{ alerts: AlertEvent[]; nextBefore?: number | null }>(`/api/v1/alerts?${q}`, {
    signal,
  });
  return { alerts: body.alerts, nextBefore: body.nextBefore ?? null };
}

/** Active and recent alerts with filters, live, and acknowledgement for operators. */
export function AlertsView({ catalog, canAck }: { catalog: AlertCatalog; canAck: boolean }) {
  const labels = useMemo(() => labelsOf(catalog), [catalog]);
  const [filters, setFilters] = useState<Filters>({ state: '', assetId: '', severity: '' });
  const [alerts, setAlerts] = useState<AlertEvent[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    fetchAlerts(filters, null, ctrl.signal).then(
      (page) => {
        if (ctrl.signal.aborted) return;
        setAlerts(page.alerts);
        setNextBefore(page.nextBefore);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(`Could not load alerts: ${errorMessage(err)}`);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [filters, reloads]);

  const older = async (before: number) => {
    setLoading(true);
    try {
      const page = await fetchAlerts(filters, before);
      setAlerts((prev) => [...prev, ...page.alerts.filter((a) => !prev.some((p) => p.id === a.id))]);
      setNextBefore(page.nextBefore);
    } catch (err) {
      setError(`Could not load alerts: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  };

  // Live: new alerts that match go on top; updates replace the row (or drop it if it no longer matches).
  const apply = useCallback(
    (a: AlertEvent) =>
      setAlerts((prev) => {
        const rest = prev.filter((x) => x.id !== a.id);
        if (!matches(a, filters)) return rest;
        return prev.some((x) => x.id === a.id) ? prev.map((x) => (x.id === a.id ? a : x)) : [a, ...rest];
      }),
    [filters],
  );
  useSocketEvents({ 'alert:raised': apply, 'alert:updated': apply }, () => setReloads((n) => n + 1));

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <section className="panel" aria-labelledby="alerts-h">
      <div className="alerts-toolbar">
        <h2 id="alerts-h" style={{ margin: 0 }}>
          Active and recent
        </h2>
        <label className="dash-field">
          <span>State</span>
          <select value={filters.state} onChange={(e) => set({ state: e.target.value as StateFilter })}>
            <option value="">all</option>
            <option value="open">open (active + acknowledged)</option>
            <option value="active">active</option>
            <option value="acknowledged">acknowledged</option>
            <option value="cleared">cleared</option>
          </select>
        </label>
        <AssetSelect
          assets={catalog.assets}
          value={filters.assetId}
          onChange={(assetId) => set({ assetId })}
          allLabel="all"
        />
        <label className="dash-field">
          <span>Severity</span>
          <select value={filters.severity} onChange={(e) => set({ severity: e.target.value as Filters['severity'] })}>
            <option value="">all</option>
            <option value="critical">critical</option>
            <option value="warning">warning</option>
          </select>
        </label>
        <Link href="/alerts/rules">Rules…</Link>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="alerts-table" aria-labelledby="alerts-h" data-testid="alerts-table">
          <thead>
            <tr>
              <th>Raised</th>
              <th>Asset</th>
              <th>Signal</th>
              <th>Severity</th>
              <th>Limit broken</th>
              <th>Value / peak</th>
              <th>State</th>
              <th>Acknowledged</th>
              <th>Cleared</th>
              {canAck ? <th>Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => {
              const sig = labels.signal(a.signal);
              return (
                <tr key={a.id} data-alert-id={a.id} data-state={a.state} data-asset={a.assetId} data-signal={a.signal}>
                  <td>{when(a.raisedAt)}</td>
                  <td>{labels.asset(a.assetId)}</td>
                  <td>{sig.label}</td>
                  <td>
                    <span className="sev" data-severity={a.severity}>
                      {a.severity}
                    </span>
                  </td>
                  <td>
                    {a.direction === 'high' ? 'above' : 'below'} {formatValue(a.limit, sig.unit)}
                  </td>
                  <td>
                    {formatValue(a.value, sig.unit)} / {formatValue(a.peak, sig.unit)}
                  </td>
                  <td>
                    <span className="state" data-state={a.state}>
                      {a.state}
                    </span>
                  </td>
                  <td data-testid="ack-info">
                    {a.acknowledgedBy ? (
                      <>
                        by {a.acknowledgedBy}, {when(a.acknowledgedAt)}
                        {a.ackComment ? <div className="muted">“{a.ackComment}”</div> : null}
                      </>
                    ) : null}
                  </td>
                  <td>{when(a.clearedAt)}</td>
                  {canAck ? <td>{a.state === 'active' ? <AckForm alert={a} onDone={apply} /> : null}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!loading && alerts.length === 0 ? <p className="muted">No alerts match these filters.</p> : null}
      {nextBefore !== null ? (
        <button type="button" className="btn btn-ghost" onClick={() => void older(nextBefore)} disabled={loading}>
          Older alerts
        </button>
      ) : null}
      {!canAck ? <p className="muted">Viewers see alerts; operators and admins acknowledge them.</p> : null}
    </section>
  );
}
