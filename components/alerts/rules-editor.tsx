'use client';

import { useEffect, useMemo, useState } from 'react';
import type { AlertRule } from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { labelsOf, type AlertCatalog } from './labels';
import { RuleRow } from './rule-row';
import { AssetSelect } from '../asset-select';

async function fetchRules(assetId: string, signal: AbortSignal): Promise<{ rules: AlertRule[]; now: number }> {
  const body = await requestJson<{ rules: AlertRule[]; now?: number }>(
    `/api/v1/alert-rules?assetId=${encodeURIComponent(assetId)}`,
    { signal },
  );
  return { rules: body.rules, now: body.now ?? Date.now() };
}

/** Every rule, by asset; operators and admins edit, shelve and unshelve; changes apply at the next point. */
export function RulesEditor({ catalog, canEdit }: { catalog: AlertCatalog; canEdit: boolean }) {
  const labels = useMemo(() => labelsOf(catalog), [catalog]);
  const [assetId, setAssetId] = useState(catalog.assets[0]?.id ?? '');
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [now, setNow] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    fetchRules(assetId, ctrl.signal).then(
      (body) => {
        if (ctrl.signal.aborted) return;
        setRules(body.rules);
        setNow(body.now);
        setError(null);
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setError(`Could not load rules: ${errorMessage(err)}`);
      },
    );
    return () => ctrl.abort();
  }, [assetId]);

  const saved = (r: AlertRule) => {
    setNow(Date.now());
    setRules((prev) => prev?.map((x) => (x.id === r.id ? r : x)) ?? [r]);
  };

  return (
    <section className="panel" aria-labelledby="rules-h">
      <div className="alerts-toolbar">
        <h2 id="rules-h" style={{ margin: 0 }}>
          Rules
        </h2>
        <AssetSelect assets={catalog.assets} value={assetId} onChange={setAssetId} />
      </div>
      <p className="muted">
        A value below low or above high for the minimum duration raises an alert; it clears once back inside by the
        deadband. The priority (copied onto each alarm) orders the banner and the list. Shelving a rule stops new alarms
        for a while (open ones stay and clear normally); to shelve one alarm, use Shelve on the Alerts page. The
        Plant&rsquo;s drift rules watch each input&rsquo;s population stability index (PSI) over the last readings of
        all assets against the training data, checked every 5 s.
      </p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="rules-table" aria-labelledby="rules-h">
          <thead>
            <tr>
              <th>Asset</th>
              <th>Signal</th>
              <th>Severity</th>
              <th>Priority</th>
              <th>Low</th>
              <th>High</th>
              <th>Deadband</th>
              <th>Min. duration (s)</th>
              <th>Enabled</th>
              <th>Shelved</th>
              {canEdit ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {(rules ?? []).map((r) => (
              <RuleRow
                key={r.id}
                rule={r}
                assetName={labels.asset(r.assetId)}
                signal={labels.signal(r.signal)}
                canEdit={canEdit}
                now={now}
                onSaved={saved}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
