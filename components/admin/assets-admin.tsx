'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { bindingKey, type Asset } from '@/lib/assets/types';
import type { AssetIngestStatus, IngestStatusReport } from '@/lib/ingest/ingest-status';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import { apiCall } from '@/lib/client/api-client';
import { useSocketEvents } from '@/lib/realtime/use-socket-events';
import type { SignalInfo } from '@/lib/twin/types';
import { groupAssets } from '../assets/asset-groups';
import { AssetForm } from './asset-form';
import { formatTime } from './format';
import { Message } from './message';

/**
 * Admin -> Assets (issue 15): the plant's assets by place (site / area), retired ones at the end,
 * with create, edit and retire. Every change goes through the asset API and is live at once
 * everywhere (another admin's change reloads this list too).
 */
export function AssetsAdmin({
  initialAssets,
  features,
  sparkplugGroups,
  timeZone,
}: {
  initialAssets: Asset[];
  features: SignalInfo[];
  /** The Sparkplug B groups the console subscribes to (a binding elsewhere receives nothing). */
  sparkplugGroups: string[];
  /** The user's chosen zone; null = the browser's. */
  timeZone: string | null;
}) {
  const zone = useDisplayTimeZone(timeZone);
  const [assets, setAssets] = useState<Asset[]>(initialAssets);
  const [notice, setNotice] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  const load = useCallback(async () => {
    const res = await apiCall<{ assets: Asset[] }>('/api/v1/assets?retired=true');
    if (res.ok) {
      setAssets(res.data.assets);
      setLoadError(null);
    } else setLoadError(res.error.message);
  }, []);
  useSocketEvents({ 'assets:changed': () => void load() }, () => void load());
  // Each asset's last accepted and last refused reading (HTTP, MQTT, Sparkplug), every 10 s.
  const [ingest, setIngest] = useState<Record<string, AssetIngestStatus>>({});
  useEffect(() => {
    let stopped = false;
    const read = () =>
      void apiCall<IngestStatusReport>('/api/v1/ingest/status').then((res) => {
        if (res.ok && !stopped) setIngest(Object.fromEntries(res.data.assets.map((a) => [a.assetId, a])));
      });
    read();
    const timer = setInterval(read, 10_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const live = useMemo(() => groupAssets(assets.filter((a) => a.retiredAt === null)), [assets]);
  const retired = assets.filter((a) => a.retiredAt !== null);

  return (
    <div className="admin-stack">
      <section className="panel" aria-labelledby="new-asset-h">
        <h2 id="new-asset-h">New asset</h2>
        <AssetForm
          key={formKey}
          asset={null}
          features={features}
          onSaved={(a) => {
            setNotice(`Created ${a.id} (${a.name}).`);
            setFormKey((k) => k + 1);
            void load();
          }}
        />
      </section>
      <section className="panel" aria-labelledby="assets-h">
        <h2 id="assets-h">Assets</h2>
        <Message kind="notice" text={notice} />
        <Message kind="error" text={loadError} />
        <table aria-labelledby="assets-h" data-testid="assets-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Source</th>
              <th scope="col">Extra signals</th>
              <th scope="col">Sparkplug device</th>
              <th scope="col">Data</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          {live.map((g) => (
            <tbody key={g.label ?? ''} data-testid={`asset-group-${g.label ?? 'unplaced'}`}>
              <tr>
                <th scope="rowgroup" colSpan={7} className="asset-group">
                  {g.label ?? 'Not placed'}
                </th>
              </tr>
              {g.assets.map((a) => (
                <AssetRow
                  key={a.id}
                  asset={a}
                  features={features}
                  ingest={ingest[a.id]}
                  sparkplugGroups={sparkplugGroups}
                  zone={zone}
                  editing={editing === a.id}
                  setEditing={(on) => setEditing(on ? a.id : null)}
                  onChanged={(msg) => {
                    setNotice(msg);
                    setEditing(null);
                    void load();
                  }}
                />
              ))}
            </tbody>
          ))}
          {retired.length > 0 && (
            <tbody data-testid="asset-group-retired">
              <tr>
                <th scope="rowgroup" colSpan={7} className="asset-group">
                  Retired (history stays readable)
                </th>
              </tr>
              {retired.map((a) => (
                <tr key={a.id} data-testid={`asset-row-${a.id}`}>
                  <td>{a.name}</td>
                  <td>{a.id}</td>
                  <td>{a.source}</td>
                  <td>{extrasOf(a)}</td>
                  <td>{a.sparkplug ? bindingKey(a.sparkplug) : '—'}</td>
                  <td />
                  <td className="muted">retired</td>
                </tr>
              ))}
            </tbody>
          )}
        </table>
      </section>
    </div>
  );
}

const extrasOf = (a: Asset) =>
  a.signals
    .filter((s) => !s.feature)
    .map((s) => (s.unit ? `${s.label} (${s.unit})` : s.label))
    .join(', ') || '—';

/** The bound device, and a warning when its group is not subscribed (SPARKPLUG_GROUPS). */
function BindingCell({ asset, groups }: { asset: Asset; groups: string[] }) {
  if (!asset.sparkplug) return <span className="muted">—</span>;
  return (
    <>
      <code>{bindingKey(asset.sparkplug)}</code>
      {!groups.includes(asset.sparkplug.group) && (
        <div className="error">group {asset.sparkplug.group} is not subscribed (SPARKPLUG_GROUPS, MQTT_URL)</div>
      )}
    </>
  );
}

/** The last accepted and the last refused reading of an asset, as a line each. */
function IngestCell({ status, zone }: { status: AssetIngestStatus | undefined; zone: string }) {
  if (!status?.lastAccepted && !status?.lastError) return <span className="muted">none yet</span>;
  return (
    <>
      {status.lastAccepted && (
        <div>
          last reading {formatTime(status.lastAccepted.at, zone)} ({status.lastAccepted.source})
        </div>
      )}
      {status.lastError && (
        <div className="error" title={status.lastError.message}>
          refused {formatTime(status.lastError.at, zone)} ({status.lastError.source}, {status.lastError.reason}):{' '}
          {status.lastError.message.slice(0, 160)}
        </div>
      )}
    </>
  );
}

function AssetRow({
  asset,
  features,
  ingest,
  sparkplugGroups,
  zone,
  editing,
  setEditing,
  onChanged,
}: {
  asset: Asset;
  features: SignalInfo[];
  ingest: AssetIngestStatus | undefined;
  sparkplugGroups: string[];
  zone: string;
  editing: boolean;
  setEditing: (on: boolean) => void;
  onChanged: (message: string) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function retire() {
    setBusy(true);
    const res = await apiCall(`/api/v1/assets/${encodeURIComponent(asset.id)}`, { method: 'DELETE' });
    setBusy(false);
    setConfirming(false);
    if (!res.ok) return setError(res.error.message);
    onChanged(`Retired ${asset.id}: its stream stopped; its history stays readable.`);
  }

  return (
    <>
      <tr data-testid={`asset-row-${asset.id}`}>
        <td>
          {asset.name}
          {asset.description && <div className="muted">{asset.description}</div>}
        </td>
        <td>{asset.id}</td>
        <td>{asset.source}</td>
        <td>{extrasOf(asset)}</td>
        <td data-testid={`asset-sparkplug-${asset.id}`}>
          <BindingCell asset={asset} groups={sparkplugGroups} />
        </td>
        <td data-testid={`asset-ingest-${asset.id}`}>
          <IngestCell status={ingest} zone={zone} />
        </td>
        <td className="row-actions">
          <button
            className="btn btn-ghost"
            type="button"
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
            aria-label={`Edit ${asset.id}`}
          >
            Edit
          </button>
          {confirming ? (
            <>
              <button
                className="btn"
                type="button"
                disabled={busy}
                onClick={() => void retire()}
                aria-label={`Confirm retiring ${asset.id}`}
              >
                Retire {asset.id}
              </button>
              <button className="btn btn-ghost" type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button
              className="btn btn-ghost"
              type="button"
              onClick={() => setConfirming(true)}
              aria-label={`Retire ${asset.id}`}
            >
              Retire
            </button>
          )}
        </td>
      </tr>
      {error && (
        <tr>
          <td colSpan={7}>
            <p className="error" role="alert">
              {asset.id}: {error}
            </p>
          </td>
        </tr>
      )}
      {editing && (
        <tr>
          <td colSpan={7}>
            <AssetForm
              asset={asset}
              features={features}
              onSaved={(a) => onChanged(`Saved ${a.id}.`)}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
