'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AlertEvent, AlertRule, OutOfService } from '@/lib/alerts/types';
import { apiCall, errorMessage, requestJson } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';
import { AssetSelect } from '../asset-select';
import { PriorityLabel } from './alarm-state';
import { labelsOf, type AlertCatalog } from './labels';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/**
 * What is out of service (rules and whole assets, who, why, since when) and the alarms it holds
 * back from operators. Admins take an asset or one of its rules out of service and return it.
 */
export function OutOfServiceView({ catalog, canManage }: { catalog: AlertCatalog; canManage: boolean }) {
  const labels = useMemo(() => labelsOf(catalog), [catalog]);
  const [entries, setEntries] = useState<OutOfService[]>([]);
  const [alarms, setAlarms] = useState<AlertEvent[]>([]);
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [assetId, setAssetId] = useState(catalog.assets[0]?.id ?? '');
  const [ruleId, setRuleId] = useState('');
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    requestJson<{ entries: OutOfService[]; alarms: AlertEvent[] }>('/api/v1/alarms/out-of-service', {
      signal: ctrl.signal,
    }).then(
      (body) => {
        setEntries(body.entries);
        setAlarms(body.alarms);
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setStatus({ kind: 'error', text: `Could not load: ${errorMessage(err)}` });
      },
    );
    return () => ctrl.abort();
  }, [reloads]);

  useEffect(() => {
    if (!assetId) return;
    const ctrl = new AbortController();
    requestJson<{ rules: AlertRule[] }>(`/api/v1/alert-rules?assetId=${encodeURIComponent(assetId)}`, {
      signal: ctrl.signal,
    }).then(
      (body) => setRules(body.rules),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [assetId]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  useSocketEvents({ 'alert:updated': reload }, reload);

  const ruleName = (id: string) => {
    const r = rules.find((x) => x.id === id);
    return r ? `${labels.asset(r.assetId)} ${labels.signal(r.signal).label} (${r.severity})` : `rule ${id}`;
  };

  const run = async (what: string, url: string, body?: unknown) => {
    setBusy(true);
    const out = await apiCall<unknown>(url, { method: 'POST', json: body ?? {} });
    setBusy(false);
    if (out.ok) {
      setStatus({ kind: 'ok', text: what });
      setReason('');
      reload();
    } else setStatus({ kind: 'error', text: out.error.message });
  };

  const takeOut = () =>
    ruleId
      ? run('Rule taken out of service', `/api/v1/alert-rules/${ruleId}/out-of-service`, { reason })
      : run('Asset taken out of service', `/api/v1/assets/${encodeURIComponent(assetId)}/out-of-service`, { reason });
  const back = (o: OutOfService) =>
    run(
      'Returned to service',
      o.scope === 'rule'
        ? `/api/v1/alert-rules/${o.target}/return-to-service`
        : `/api/v1/assets/${encodeURIComponent(o.target)}/return-to-service`,
    );

  return (
    <>
      <section className="panel" aria-labelledby="oos-h">
        <h2 id="oos-h" style={{ marginTop: 0 }}>
          Out of service
        </h2>
        <p className="muted">
          Nothing is raised for a rule or asset out of service, and its alarms are hidden from the operators&rsquo; list
          and badge. Returned to service, it is evaluated again and its alarms come back as they were.
        </p>
        {canManage ? (
          <form
            className="alerts-toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              void takeOut();
            }}
          >
            <AssetSelect
              assets={catalog.assets}
              value={assetId}
              onChange={(id) => {
                setAssetId(id);
                setRuleId('');
              }}
            />
            <label className="dash-field">
              <span>Rule</span>
              <select value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
                <option value="">the whole asset</option>
                {rules.map((r) => (
                  <option key={r.id} value={r.id}>
                    {labels.signal(r.signal).label} ({r.severity})
                  </option>
                ))}
              </select>
            </label>
            <label className="dash-field">
              <span>Reason</span>
              <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required />
            </label>
            <button type="submit" className="btn" disabled={busy || !reason.trim()}>
              Take out of service
            </button>
          </form>
        ) : null}
        {status ? (
          <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind === 'error' ? 'bad' : 'muted'}>
            {status.text}
          </p>
        ) : null}
        <div className="table-scroll">
          <table className="alerts-table" data-testid="oos-table">
            <thead>
              <tr>
                <th>What</th>
                <th>Reason</th>
                <th>By</th>
                <th>Since</th>
                {canManage ? <th>Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {entries.map((o) => (
                <tr key={`${o.scope}:${o.target}`} data-scope={o.scope} data-target={o.target}>
                  <td>
                    {o.scope === 'asset' ? `⊘ ${labels.asset(o.target)} (whole asset)` : `⊘ ${ruleName(o.target)}`}
                  </td>
                  <td>{o.reason}</td>
                  <td>{o.by}</td>
                  <td>{dateTime.format(o.since)}</td>
                  {canManage ? (
                    <td>
                      <button type="button" className="btn btn-ghost" onClick={() => void back(o)} disabled={busy}>
                        Return to service
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {entries.length === 0 ? <p className="muted">Everything is in service.</p> : null}
      </section>
      <section className="panel" aria-labelledby="oos-alarms-h">
        <h2 id="oos-alarms-h" style={{ marginTop: 0 }}>
          Alarms held out of service
        </h2>
        <div className="table-scroll">
          <table className="alerts-table" data-testid="oos-alarms">
            <thead>
              <tr>
                <th>Raised</th>
                <th>Asset</th>
                <th>Signal</th>
                <th>Priority</th>
                <th>Limit broken</th>
              </tr>
            </thead>
            <tbody>
              {alarms.map((a) => (
                <tr key={a.id} data-alert-id={a.id}>
                  <td>{dateTime.format(a.raisedAt)}</td>
                  <td>{labels.asset(a.assetId)}</td>
                  <td>{labels.signal(a.signal).label}</td>
                  <td>
                    <PriorityLabel priority={a.priority} />
                  </td>
                  <td>
                    {a.direction === 'high' ? 'above' : 'below'} {a.limit}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {alarms.length === 0 ? <p className="muted">No alarms are held out of service.</p> : null}
      </section>
    </>
  );
}
