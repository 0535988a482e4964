'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  byPriorityThenTime,
  OPERATOR_STATES,
  UNACKED_STATES,
  type AlertEvent,
  type AlertState,
} from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';
import { formatValue } from '../dashboard/format';
import { AckForm } from './ack-form';
import { PriorityLabel, StateLabel } from './alarm-state';
import { ShelveForm, UnshelveButton } from './shelve-form';
import { labelsOf, type AlertCatalog } from './labels';
import { AssetSelect } from '../asset-select';

/** '' = the operator's view: every state but shelved, suppressed and out of service (those have their own filter and page). */
type StateFilter =
  '' | 'open' | 'unacked' | 'active_unacked' | 'active_acked' | 'rtn_unacked' | 'normal' | 'shelved' | 'suppressed';
interface Filters {
  state: StateFilter;
  assetId: string;
  severity: '' | 'warning' | 'critical';
  priority: '' | 'low' | 'medium' | 'high' | 'urgent';
}

const PAGE = 100;
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const when = (ts: number | null) => (ts === null ? '' : dateTime.format(ts));

const HIDDEN: AlertState[] = ['shelved', 'out_of_service', 'suppressed'];

function matches(a: AlertEvent, f: Filters): boolean {
  if (f.assetId && a.assetId !== f.assetId) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.priority && a.priority !== f.priority) return false;
  if (f.state === '') return !HIDDEN.includes(a.state);
  if (f.state === 'open') return OPERATOR_STATES.includes(a.state);
  if (f.state === 'unacked') return UNACKED_STATES.includes(a.state);
  return a.state === f.state;
}

/** Open alarms first, by priority then newest; closed ones after them, newest first. */
function listOrder(a: AlertEvent, b: AlertEvent): number {
  const ca = a.state === 'normal' ? 1 : 0;
  const cb = b.state === 'normal' ? 1 : 0;
  return ca - cb || (ca ? b.raisedAt - a.raisedAt || b.id - a.id : byPriorityThenTime(a, b));
}

async function fetchAlerts(
  f: Filters,
  before: number | null,
  signal?: AbortSignal,
): Promise<{ alerts: AlertEvent[]; nextBefore: number | null }> {
  const q = new URLSearchParams({ limit: String(PAGE) });
  q.set('state', f.state || 'visible');
  if (f.assetId) q.set('assetId', f.assetId);
  if (f.severity) q.set('severity', f.severity);
  if (f.priority) q.set('priority', f.priority);
  if (before !== null) q.set('before', String(before));
  const body = await requestJson<{ alerts: AlertEvent[]; nextBefore?: number | null }>(`/api/v1/alerts?${q}`, {
    signal,
  });
  return { alerts: body.alerts, nextBefore: body.nextBefore ?? null };
}

/** Active and recent alerts with filters, live, and acknowledgement for operators. */
export function AlertsView({ catalog, canAck }: { catalog: AlertCatalog; canAck: boolean }) {
  const labels = useMemo(() => labelsOf(catalog), [catalog]);
  const [filters, setFilters] = useState<Filters>({ state: '', assetId: '', severity: '', priority: '' });
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
            <option value="">all (not shelved or suppressed)</option>
            <option value="open">open</option>
            <option value="unacked">unacknowledged</option>
            <option value="active_unacked">active, unacknowledged</option>
            <option value="active_acked">active, acknowledged</option>
            <option value="rtn_unacked">returned to normal, unacknowledged</option>
            <option value="normal">closed</option>
            <option value="shelved">shelved</option>
            <option value="suppressed">suppressed (no data from the source)</option>
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
        <label className="dash-field">
          <span>Priority</span>
          <select value={filters.priority} onChange={(e) => set({ priority: e.target.value as Filters['priority'] })}>
            <option value="">all</option>
            <option value="urgent">urgent</option>
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
        </label>
        <Link href="/alerts/rules">Rules…</Link>
        <Link href="/alerts/journal">Journal…</Link>
        <Link href="/alerts/kpis">KPIs…</Link>
        <Link href="/alerts/out-of-service">Out of service…</Link>
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
              <th>Priority</th>
              <th>Severity</th>
              <th>Limit broken</th>
              <th>Value / peak</th>
              <th>State</th>
              <th>Acknowledged</th>
              <th>Returned / closed</th>
              {canAck ? <th>Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {[...alerts].sort(listOrder).map((a) => {
              const sig = labels.signal(a.signal);
              return (
                <tr
                  key={a.id}
                  data-alert-id={a.id}
                  data-state={a.state}
                  data-priority={a.priority}
                  data-asset={a.assetId}
                  data-signal={a.signal}
                >
                  <td>{when(a.raisedAt)}</td>
                  <td>{labels.asset(a.assetId)}</td>
                  <td>{sig.label}</td>
                  <td>
                    <PriorityLabel priority={a.priority} />
                  </td>
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
                    <StateLabel state={a.state} />
                    {a.shelf ? (
                      <div className="muted" data-testid="shelf-info">
                        {a.shelf.until === null ? 'until it returns to normal' : `until ${when(a.shelf.until)}`}, by{' '}
                        {a.shelf.by}: “{a.shelf.reason}”
                      </div>
                    ) : null}
                  </td>
                  <td data-testid="ack-info">
                    {a.acknowledgedBy ? (
                      <>
                        by {a.acknowledgedBy}, {when(a.acknowledgedAt)}
                        {a.ackComment ? <div className="muted">“{a.ackComment}”</div> : null}
                      </>
                    ) : null}
                  </td>
                  <td>
                    {when(a.returnedAt)}
                    {a.clearedAt !== null ? <div className="muted">closed {when(a.clearedAt)}</div> : null}
                  </td>
                  {canAck ? (
                    <td>
                      <div className="ack-form">
                        {UNACKED_STATES.includes(a.state) ? <AckForm alert={a} onDone={apply} /> : null}
                        {a.state === 'active_unacked' || a.state === 'active_acked' ? (
                          <ShelveForm alert={a} onDone={apply} />
                        ) : null}
                        {a.state === 'shelved' ? <UnshelveButton alert={a} onDone={apply} /> : null}
                      </div>
                    </td>
                  ) : null}
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
